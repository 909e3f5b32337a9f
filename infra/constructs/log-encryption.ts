/**
 * The one customer KMS key that encrypts the stack's CloudWatch log groups (function logs carry
 * request facts and errors; the API access log carries request ids and routes). One key per stack,
 * made on first use, so every log group, including ones later constructs add, gets the same key
 * and key policy without threading it through every constructor.
 */
import { Aws, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

const KEY_ID = 'LogsKey';

export function logsKeyOf(scope: Construct): Key {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(KEY_ID);
  if (existing) return existing as Key;
  // The key outlives the stack (CDK's default for keys): the API access log group is retained on stack
  // deletion, and a deleted key would leave it unreadable.
  const key = new Key(stack, KEY_ID, { description: 'Encrypts the CloudWatch log groups of this stack.', enableKeyRotation: true });
  // What CloudWatch Logs needs to encrypt and read a log group's data, limited to this account's log groups
  // in this region by the encryption context it sends.
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccountAndRegion',
      principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
    }),
  );
  return key;
}

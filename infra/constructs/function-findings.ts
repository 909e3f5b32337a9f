/**
 * Compliance findings (HIPAA Security, NIST 800-53 rev 5) that hold for a function by design,
 * acknowledged on the function and its role, with the reason that is true of that function.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { PrivacyFunction } from './privacy-function';

const PACKS = ['HIPAA.Security', 'NIST.800.53.R5'] as const;

/** Acknowledges `rule` (e.g. "LambdaInsideVPC") of both compliance packs on one construct. */
export function acknowledgeInPacks(scope: IConstruct, rule: string, reason: string) {
  for (const pack of PACKS) Validations.of(scope).acknowledge({ id: `${pack}-${rule}`, reason });
}

/**
 * What every function of the stack shares: no VPC, no reserved concurrency, an inline policy on its
 * own role. `concurrencyBound` says what limits how many copies of this function run at once.
 */
export function acknowledgeFunctionDesign(fn: PrivacyFunction, concurrencyBound: string) {
  acknowledgeInPacks(
    fn,
    'LambdaInsideVPC',
    'No VPC: the function calls only AWS service APIs (DynamoDB, S3, SQS, SES, Secrets Manager, X-Ray) over TLS with IAM-signed requests, and nothing of the stack lives in a VPC; a VPC would only add NAT or endpoints to reach the same APIs.',
  );
  acknowledgeInPacks(
    fn,
    'LambdaConcurrency',
    `${concurrencyBound} A reserved concurrency per function would carve fixed slices out of the account\u2019s pool (AWS keeps 100 unreserved) and fail deploys on accounts with a low quota.`,
  );
  const role = fn.role!;
  // The statements live in the role itself (FunctionRole) or, for a plain role, its DefaultPolicy.
  const policy = role.node.tryFindChild('DefaultPolicy') ?? role;
  acknowledgeInPacks(
    policy,
    'IAMNoInlinePolicy',
    'This role belongs to one function and its statements are derived from that function\u2019s declaration (route or worker table); inline keeps them attached to that one role and deleted with it, where a managed policy could be attached to other roles.',
  );
}

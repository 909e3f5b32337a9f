/**
 * Staff sign-in: the Cognito user pool of the shop's people (customer-service staff and the DPO), the
 * console's app client, the two groups, and the HTTP API's JWT authoriser that checks their ID
 * tokens on every people route (`staff` / `dpo` in the route table). Nobody signs up: an
 * administrator creates each person and puts them in a group (README: Staff sign-in).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { STAFF_GROUPS } from '../../shared/domain/staff-access';
import { STAFF_PASSWORD_POLICY, STAFF_TOKEN_VALIDITY } from '../../shared/staff-pool';
import { acknowledgeFunctionDesign, acknowledgeInPacks } from './function-findings';
import { PrivacyFunction } from './privacy-function';

/** How cdk-nag writes a value in a finding: a pseudo parameter as `<AWS::Name>`, anything else as it is. */
const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);

/** The function Cognito calls before it issues tokens (functions/<this>.ts). */
export const PRE_TOKEN_HANDLER = 'auth/pre-token-generation';

export interface StaffAuthProps {
  retain: boolean;
  logRetention: RetentionDays;
  commonEnvironment: Record<string, string>;
}

export class StaffAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly authorizer: HttpUserPoolAuthorizer;
  readonly preTokenGeneration: PrivacyFunction;

  constructor(scope: Construct, id: string, props: StaffAuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Pool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: STAFF_PASSWORD_POLICY.minLength,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(STAFF_PASSWORD_POLICY.tempPasswordValidityDays),
      },
      // TOTP only (no SMS). Optional for the pool, required for the DPO: see the pre-token trigger.
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection (compromised credentials, adaptive authentication) enforced.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is required where the issue asks for it, for the dpo group, which Cognito cannot switch per group: the pre-token-generation trigger keeps dpo out of every token of a user without TOTP. Staff may add TOTP too; SMS is off.',
    });

    this.client = this.userPool.addClient('Console', {
      // A browser (and the CLI) cannot keep a secret.
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      idTokenValidity: Duration.minutes(STAFF_TOKEN_VALIDITY.idTokenMinutes),
      accessTokenValidity: Duration.minutes(STAFF_TOKEN_VALIDITY.accessTokenMinutes),
      refreshTokenValidity: Duration.hours(STAFF_TOKEN_VALIDITY.refreshTokenHours),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    for (const group of STAFF_GROUPS) {
      new CfnUserPoolGroup(this, `${group[0]!.toUpperCase()}${group.slice(1)}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description:
          group === 'dpo' ? 'Data protection officer: everything staff do, plus the registers' : 'Customer-service staff: queue, requests, member look-up',
      });
    }

    // Cognito has no per-group MFA switch: this trigger lets `dpo` into a token only for a user whose
    // TOTP is set up, and Cognito asks such a user for a code at every sign-in (shared/domain/staff-access.ts).
    this.preTokenGeneration = new PrivacyFunction(this, 'PreTokenGeneration', {
      handlerPath: PRE_TOKEN_HANDLER,
      description: 'Cognito pre-token generation: the dpo group only for users with TOTP set up',
      logRetention: props.logRetention,
      commonEnvironment: props.commonEnvironment,
      timeout: Duration.seconds(5),
    });
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION, this.preTokenGeneration);
    // The pool's ARN cannot be named here (the pool refers to the function: a cycle), so the grant
    // names this account's user pools in this region, for the one read action the rule needs.
    const stack = Stack.of(this);
    this.preTokenGeneration.addToRolePolicy(
      new PolicyStatement({
        actions: ['cognito-idp:AdminGetUser'],
        resources: [stack.formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' })],
      }),
    );
    const policy = this.preTokenGeneration.role!.node.tryFindChild('DefaultPolicy') ?? this.preTokenGeneration.role!;
    Validations.of(policy).acknowledge({
      // cdk-nag names the resource as synthesised: pseudo parameters, or the stage's own region/account.
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:${shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:userpool/*]`,
      reason:
        'cognito-idp:AdminGetUser only (read a user\u2019s MFA settings), on this account\u2019s pools in this region: the pool\u2019s own ARN would make a dependency cycle, as the pool names this function as its trigger.',
    });
    acknowledgeFunctionDesign(this.preTokenGeneration, 'Invoked only by Cognito, once per sign-in or token refresh of the shop\u2019s few staff.');
    const synchronous = 'Invoked synchronously by Cognito while it issues tokens: a failure fails that sign-in at once, so there is nothing to send to a DLQ.';
    Validations.of(this.preTokenGeneration).acknowledge({ id: 'Serverless-LambdaDLQ', reason: synchronous });
    acknowledgeInPacks(this.preTokenGeneration, 'LambdaDLQ', synchronous);

    this.authorizer = new HttpUserPoolAuthorizer('StaffAuthorizer', this.userPool, {
      userPoolClients: [this.client],
      identitySource: ['$request.header.Authorization'],
    });

    new CfnOutput(stack, 'StaffUserPoolId', { value: this.userPool.userPoolId, description: 'Staff user pool (admins create people here)' });
    new CfnOutput(stack, 'StaffUserPoolClientId', { value: this.client.userPoolClientId, description: 'App client of the staff console and CLI' });
  }
}

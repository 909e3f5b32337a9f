/**
 * A Lambda function with the project's defaults set once: Node.js 24 on arm64, its code the stack's
 * one-pass bundle of its handler (infra/bundling.ts: minified, names kept, source maps, SDK included:
 * it loads faster than the runtime's copy), its own log group with the stage's retention, X-Ray
 * tracing (unless the caller turns it off: the beacon route). A caller's environment is merged, never dropped.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type AddToPrincipalPolicyResult, PolicyDocument, PolicyStatement, Role, type RoleProps, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, type FunctionProps, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FunctionBundles } from './function-bundles';
import { logsKeyOf } from './log-encryption';

export interface PrivacyFunctionProps extends Omit<FunctionProps, 'code' | 'handler' | 'runtime' | 'architecture'> {
  /** Path under functions/ without extension, e.g. "consent/capture-consent". */
  handlerPath: string;
  logRetention: RetentionDays;
  commonEnvironment: Record<string, string>;
  /** Files copied into the function's bundle beside the handler: name in the bundle → source path. */
  bundledFiles?: Record<string, string>;
}

/**
 * A function's own role whose statements live in the role itself (its `Policies`), not in a separate
 * AWS::IAM::Policy resource: the same inline policy on the same one role, one CloudFormation resource
 * fewer per function. With some 60 functions that keeps the stack well under CloudFormation's 500
 * resources per stack.
 */
export class FunctionRole extends Role {
  private readonly statements: PolicyDocument;

  constructor(scope: Construct, id: string, props: RoleProps) {
    const statements = new PolicyDocument();
    super(scope, id, { ...props, inlinePolicies: { ...props.inlinePolicies, access: statements } });
    this.statements = statements;
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.statements.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}

/** Memory of every function unless a caller says otherwise; the bench's cost model reads it too. */
export const DEFAULT_MEMORY_MB = 256;

export class PrivacyFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: PrivacyFunctionProps) {
    const { handlerPath, logRetention, commonEnvironment, environment, bundledFiles, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention, encryptionKey: logsKeyOf(scope), removalPolicy: RemovalPolicy.DESTROY });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy: logs to this group only.
    const role = new FunctionRole(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    super(scope, id, {
      code: Code.fromAsset(FunctionBundles.of(scope).directoryFor(handlerPath, bundledFiles)),
      handler: 'index.handler', // the bundle's index.js, its export `handler`
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      ...rest,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...commonEnvironment, ...environment },
    });
    if (props.tracing !== Tracing.DISABLED) {
      const reason =
        'X-Ray PutTraceSegments/PutTelemetryRecords (added by active tracing) support no resource-level permissions; every data action of this role names its table or secret.';
      Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
      // The Serverless pack reads the role's own (inline) policies, where FunctionRole keeps them.
      Validations.of(role).acknowledge({ id: 'Serverless-LambdaStarPermissions', reason });
    }
  }
}

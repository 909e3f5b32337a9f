/**
 * A Lambda function with the project's defaults set once: Node.js 24 on arm64, bundled by the local
 * esbuild (minified, source maps, SDK included: it loads faster than the runtime's copy), its own log
 * group with the stage's retention, X-Ray tracing. A caller's environment is merged, never dropped.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { REPO_ROOT } from '../stage-config';
import { logsKeyOf } from './log-encryption';

export interface PrivacyFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture'> {
  /** Path under functions/ without extension, e.g. "consent/capture-consent". */
  handlerPath: string;
  logRetention: RetentionDays;
  commonEnvironment: Record<string, string>;
}

/** Shared by the stack and the bench, so the bench measures what is deployed. */
export const BUNDLING = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node24',
  format: OutputFormat.CJS,
  // Bundle the AWS SDK instead of using the runtime's copy (measured faster to load).
  externalModules: [],
} as const;

/** Memory of every function unless a caller says otherwise; the bench's cost model reads it too. */
export const DEFAULT_MEMORY_MB = 256;

export class PrivacyFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: PrivacyFunctionProps) {
    const { handlerPath, logRetention, commonEnvironment, environment, bundling, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention, encryptionKey: logsKeyOf(scope), removalPolicy: RemovalPolicy.DESTROY });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy: logs to this group only.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    super(scope, id, {
      entry: join(REPO_ROOT, 'functions', `${handlerPath}.ts`),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      bundling: { ...BUNDLING, externalModules: [...BUNDLING.externalModules], ...bundling },
      ...rest,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...commonEnvironment, ...environment },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (added by active tracing) support no resource-level permissions; every data action of this role names its table or secret.',
    });
  }
}

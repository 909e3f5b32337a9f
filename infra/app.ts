/**
 * CDK app: `npx cdk deploy -c stage=prod`. Settings come from cdk.json (`stages.<stage>`); cdk-nag's
 * AwsSolutions, Serverless, HIPAA Security and NIST 800-53 rev 5 packs check every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import { PrivacyStack } from './stack';
import { parseStageSettings } from './stage-config';

export function buildApp(app = new App()) {
  const stageName = String(app.node.tryGetContext('stage') ?? 'dev');
  const stages = (app.node.tryGetContext('stages') ?? {}) as Record<string, unknown>;
  if (!(stageName in stages)) throw new Error(`Unknown stage "${stageName}"; cdk.json defines: ${Object.keys(stages).join(', ')}`);
  const settings = parseStageSettings(stageName, stages[stageName]);
  const stack = new PrivacyStack(app, `ShopPrivacy-${stageName}`, {
    settings,
    description: `Shop privacy backend (${stageName}): consent, visits, data-subject requests, unsubscribe`,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app), new HIPAASecurityChecks(app), new NIST80053R5Checks(app));
  return { app, stack, settings };
}

/**
 * The app `cdk synth` runs. aws-cdk-lib's own CloudFormation schema check costs about 4 s of CPU per
 * synth and only warns by default, so it is off here and strict (errors fail) in the infra tests
 * (test/infra/compliance.test.ts); `CDK_VALIDATION=true npx cdk synth` runs it here as well.
 */
export const cliApp = () => new App({ builtinCloudFormationValidation: process.env.CDK_VALIDATION === 'true' });

if (process.argv[1]?.endsWith('app.ts')) {
  buildApp(cliApp()).app.synth();
}

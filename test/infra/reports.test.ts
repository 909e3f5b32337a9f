/**
 * Reports in the stack: the visits table streams new images only, the report worker reads the
 * visits, consents and requests streams in large batches gathered for 5 minutes with deletions
 * filtered out, may write only partials to the reports table and read only the report key; the daily
 * close runs on its schedule after the Bangkok day ends and touches only the reports table.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { REPO_ROOT } from '../../infra/stage-config';
import { REPORT_STREAMS } from '../../shared/domain/reports/aggregate';
import { TABLES } from '../../shared/resources';
import type { Json } from '../helpers/json';

const context = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;

let resources: Record<string, { Type: string; Properties: Json }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalIdOf = (ref: Json): string => ref?.['Fn::GetAtt']?.[0] ?? ref?.Ref;
const tableId = (key: keyof typeof TABLES) => ofType('AWS::DynamoDB::GlobalTable').find(([id]) => id.startsWith(`Data${TABLES[key].id}`))![0];
const functionId = (prefix: string) => ofType('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))![0];
/** Every statement of a function's role: inline policies and policies attached to it. */
const statementsOf = (fnId: string): Json[] => {
  const roleId = logicalIdOf(resources[fnId]!.Properties.Role);
  const inline = (resources[roleId]!.Properties.Policies ?? []).flatMap((p: Json) => p.PolicyDocument.Statement);
  const attached = ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
};
const actions = (s: Json): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** The logical ids a statement's resources name (tables, secrets, queues). */
const resourceIds = (s: Json): string[] => {
  const found = new Set<string>();
  const walk = (value: Json) => {
    if (value && typeof value === 'object') {
      if (value['Fn::GetAtt']) found.add(value['Fn::GetAtt'][0]);
      else if (value.Ref) found.add(value.Ref);
      else for (const v of Object.values(value)) walk(v as Json);
    }
  };
  walk(s.Resource);
  return [...found];
};

beforeAll(() => {
  const built = buildApp(new App({ context: { ...context, stage: 'prod', 'aws:cdk:bundling-stacks': [] } }));
  resources = Template.fromStack(built.stack).toJSON().Resources;
});

describe('reports in the stack', () => {
  it('streams new images only from the visits table, and old and new from requests', () => {
    expect(resources[tableId('visits')]!.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
    expect(resources[tableId('requests')]!.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('feeds the visits, consents and requests streams to the report worker in large batches over a 5-minute window, without deletions', () => {
    const fn = functionId('WorkersAggregateReportsFunction');
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, r]) => logicalIdOf(r.Properties.FunctionName) === fn);
    expect(mappings.map(([, r]) => logicalIdOf(r.Properties.EventSourceArn)).sort()).toEqual(REPORT_STREAMS.map(tableId).sort());
    for (const [, { Properties: p }] of mappings) {
      expect(p).toMatchObject({ BatchSize: 1000, MaximumBatchingWindowInSeconds: 300, StartingPosition: 'TRIM_HORIZON', BisectBatchOnFunctionError: true });
      expect(p.FilterCriteria.Filters.map((f: Json) => JSON.parse(f.Pattern))).toEqual([{ eventName: ['INSERT', 'MODIFY'] }]);
    }
  });

  it('lets the report worker write only to the reports table and read only the report key and its three streams', () => {
    const statements = statementsOf(functionId('WorkersAggregateReportsFunction'));
    const dynamo = statements.filter((s) => actions(s).some((a) => a.startsWith('dynamodb:') && !/Stream|GetRecords|GetShardIterator/.test(a)));
    expect(dynamo.flatMap(actions).sort()).toEqual(['dynamodb:PutItem']);
    expect(dynamo.flatMap(resourceIds)).toEqual([tableId('reports')]);
    const streams = statements.filter((s) => actions(s).includes('dynamodb:GetRecords'));
    expect(streams.flatMap(resourceIds).sort()).toEqual(REPORT_STREAMS.map(tableId).sort());
    const secrets = statements.filter((s) => actions(s).includes('secretsmanager:GetSecretValue'));
    expect(secrets.flatMap(resourceIds)).toHaveLength(1);
    expect(secrets.flatMap(resourceIds)[0]).toMatch(/ReportHashKey/);
    expect(statements.flatMap(actions)).not.toContain('dynamodb:Scan');
  });

  it('runs the close daily at 01:00 Bangkok time and lets it touch only the reports table', () => {
    const fn = functionId('WorkersCloseReportDaysFunction');
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => (r.Properties.Targets ?? []).some((t: Json) => logicalIdOf(t.Arn) === fn));
    expect(rules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(['cron(0 18 * * ? *)']);
    const dynamo = statementsOf(fn).filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap(actions).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    expect([...new Set(dynamo.flatMap(resourceIds))]).toEqual([tableId('reports')]);
  });
});

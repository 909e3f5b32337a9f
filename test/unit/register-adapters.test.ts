/**
 * The registers' AWS adapters with mocked clients: entries are written only over the version read
 * (a concurrent change is a ConflictError, never a silent overwrite), never created twice, and the
 * alarm topic gets a subject SNS accepts.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsAlarmPublisher, snsSubject } from '../../shared/adapters/alarm-topic';
import { DynamoRegisterStore } from '../../shared/adapters/register-store';
import { ConflictError } from '../../shared/domain/errors';
import type { Breach } from '../../shared/domain/registers';

const db = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
afterEach(() => {
  db.reset();
  sns.reset();
});

const store = new DynamoRegisterStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'test-Registers');
const breach = { id: 'B-ABCDEFGH23', version: 3, recordedAt: '2026-11-25T00:00:00Z' } as Breach;
const conditionFailed = Object.assign(new Error('failed'), { name: 'ConditionalCheckFailedException' });

describe('DynamoRegisterStore', () => {
  it('writes version N over version N-1 only, under the register\u2019s partition', async () => {
    db.on(PutCommand).resolves({});
    await store.update('breach', breach);
    expect(db.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'test-Registers',
      Item: { pk: 'BREACH', sk: 'B-ABCDEFGH23', version: 3 },
      ConditionExpression: 'version = :read',
      ExpressionAttributeValues: { ':read': 2 },
    });
  });

  it('answers a write that lost the race with a ConflictError', async () => {
    db.on(PutCommand).rejects(conditionFailed);
    await expect(store.update('breach', breach)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.create('processor', { ...breach, id: 'P-ABCDEFGH23' } as never)).rejects.toMatchObject({ code: 'entry_exists' });
    expect(db.commandCalls(PutCommand)[1]!.args[0].input).toMatchObject({ Item: { pk: 'PROCESSOR' }, ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('passes other failures on unchanged', async () => {
    db.on(PutCommand).rejects(new Error('throttled'));
    await expect(store.update('breach', breach)).rejects.toThrow('throttled');
  });

  it('reads entries consistently and strips the keys; lists a register by Query, newest first', async () => {
    db.on(GetCommand).resolves({ Item: { pk: 'BREACH', sk: 'B-ABCDEFGH23', ...breach } });
    expect(await store.get('breach', 'B-ABCDEFGH23')).toEqual(breach);
    expect(db.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ ConsistentRead: true, Key: { pk: 'BREACH', sk: 'B-ABCDEFGH23' } });
    db.on(QueryCommand).resolves({
      Items: [
        { pk: 'PROCESSOR', sk: 'P-A', id: 'P-A', recordedAt: '2026-01-01T00:00:00Z' },
        { pk: 'PROCESSOR', sk: 'P-B', id: 'P-B', recordedAt: '2026-02-01T00:00:00Z' },
      ],
    });
    expect((await store.list('processor')).map((p) => p.id)).toEqual(['P-B', 'P-A']);
    expect(db.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'PROCESSOR' },
    });
  });
});

describe('SnsAlarmPublisher', () => {
  it('publishes to the stage\u2019s topic with an ASCII subject of at most 100 characters', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'x' });
    await new SnsAlarmPublisher('arn:aws:sns:ap-southeast-1:123456789012:alarms').publish(`Overdue: แจ้งเหตุ breach B-ABCDEFGH23 ${'x'.repeat(120)}`, 'body');
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ TopicArn: 'arn:aws:sns:ap-southeast-1:123456789012:alarms', Message: 'body' });
    expect(input.Subject).toMatch(/^Overdue: breach B-ABCDEFGH23 x+$/);
    expect(input.Subject!.length).toBe(100);
    expect(snsSubject('a\n\tb')).toBe('a b');
  });
});

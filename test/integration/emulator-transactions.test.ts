/**
 * What the local mode does about the emulator's own failures. moto answers overlapping
 * TransactWriteItems with an HTML 500, so the handlers' client sends it one transaction at a time
 * (scripts/lib/local-aws.ts). And the SDK's standard retry already takes a 500 whose body is not JSON
 * as transient: a tiny loopback server answers it, so no other code has to.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/adapters/dynamodb';
import { TABLES } from '../../shared/resources';

describe('transactions against the emulator', () => {
  it('go one at a time from the local mode, so 16 concurrent ones all commit', async () => {
    const db = documentClient();
    const table = process.env[TABLES.consents.envVar]!;
    let inFlight = 0;
    let most = 0;
    // The deserialize step wraps each HTTP exchange, inside the retries and the one-at-a-time rule.
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
        most = Math.max(most, ++inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'deserialize', name: 'countTransactionsInFlight' },
    );
    try {
      const ids = Array.from({ length: 16 }, () => `tx-${randomUUID()}`);
      await Promise.all(
        ids.map((pk) =>
          db.send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: { TableName: table, Item: { pk, sk: 'RECEIPT#1' }, ConditionExpression: 'attribute_not_exists(pk)' } },
                { Put: { TableName: table, Item: { pk, sk: 'CURRENT' } } },
              ],
            }),
          ),
        ),
      );
      expect(most).toBe(1);
      const current = await Promise.all(ids.map((pk) => db.send(new GetCommand({ TableName: table, Key: { pk, sk: 'CURRENT' } }))));
      expect(current.filter((c) => c.Item)).toHaveLength(16);
    } finally {
      db.middlewareStack.remove('countTransactionsInFlight');
    }
  });
});

describe('conditional writes against the emulator', () => {
  it('are atomic from the local mode, as in DynamoDB: of 8 concurrent claims of one item exactly one wins', async () => {
    const db = documentClient();
    const table = process.env[TABLES.consents.envVar]!;
    const key = { pk: `claim-${randomUUID()}`, sk: 'CURRENT' };
    let inFlight = 0;
    let most = 0;
    // moto checks a condition and writes in two steps; a race between them is rare, so what is checked
    // is the cause: no two conditional writes ever reach the emulator at once.
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'UpdateItemCommand') return next(args);
        most = Math.max(most, ++inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'deserialize', name: 'countConditionalWritesInFlight' },
    );
    const claims = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression: 'SET claimedBy = :me',
            ConditionExpression: 'attribute_not_exists(claimedBy)',
            ExpressionAttributeValues: { ':me': `claimant-${i}` },
          }),
        ),
      ),
    );
    db.middlewareStack.remove('countConditionalWritesInFlight');
    expect(most).toBe(1);
    expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    for (const c of claims) if (c.status === 'rejected') expect((c.reason as Error).name).toBe('ConditionalCheckFailedException');
  });
});

describe('transactions beside other requests', () => {
  it('never share the emulator with another request, while reads still run side by side', async () => {
    const db = documentClient();
    const table = process.env[TABLES.consents.envVar]!;
    let transactions = 0;
    let others = 0;
    let overlaps = 0;
    let mostOthers = 0;
    db.middlewareStack.add(
      (next, context) => async (args) => {
        const isTransaction = context.commandName === 'TransactWriteItemsCommand';
        if (isTransaction) transactions++;
        else others++;
        if (transactions > 1 || (transactions > 0 && others > 0)) overlaps++;
        mostOthers = Math.max(mostOthers, others);
        try {
          return await next(args);
        } finally {
          if (isTransaction) transactions--;
          else others--;
        }
      },
      { step: 'deserialize', name: 'countRequestsInFlight' },
    );
    try {
      const ids = Array.from({ length: 8 }, () => `txr-${randomUUID()}`);
      const writes = ids.map((pk) =>
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: { pk, sk: 'RECEIPT#1' }, ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: table, Item: { pk, sk: 'CURRENT' } } },
            ],
          }),
        ),
      );
      const reads = ids.flatMap((pk) => [1, 2, 3].map(() => db.send(new GetCommand({ TableName: table, Key: { pk, sk: 'CURRENT' } }))));
      await Promise.all([...writes, ...reads]);
      expect(overlaps).toBe(0);
      expect(mostOthers).toBeGreaterThan(1);
    } finally {
      db.middlewareStack.remove('countRequestsInFlight');
    }
  });
});

describe("the SDK's retry of an HTML 500", () => {
  /** Answers the first `failures` requests as moto does when it breaks: status 500, an HTML page. */
  async function htmlFiveHundreds(failures: number) {
    let requests = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        if (requests <= failures) {
          res.writeHead(500, { 'content-type': 'text/html' });
          res.end('<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error</h1>');
        } else {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          res.end('{}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // As documentClient() builds it, pointed at this server.
    const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const get = () => client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } }));
    const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return { get, close, requests: () => requests };
  }

  it('takes a 500 whose body is not JSON as transient and retries it', async () => {
    const server = await htmlFiveHundreds(1);
    try {
      const out = await server.get();
      expect(out.$metadata.attempts).toBe(2);
      expect(server.requests()).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('gives up after its attempts with a SyntaxError that carries the status 500', async () => {
    const server = await htmlFiveHundreds(Number.POSITIVE_INFINITY);
    try {
      const error = (await server.get().catch((e: unknown) => e)) as Error & { $metadata?: { httpStatusCode?: number; attempts?: number } };
      expect(error.name).toBe('SyntaxError');
      expect(error.$metadata).toMatchObject({ httpStatusCode: 500 });
      expect(error.$metadata?.attempts).toBeGreaterThan(1);
      expect(server.requests()).toBe(error.$metadata?.attempts);
    } finally {
      await server.close();
    }
  });
});

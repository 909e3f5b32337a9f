/**
 * Older SES receipt events carry no DMARC verdict. Such a mail is not dropped: a missing verdict counts
 * as "not authenticated", so the request waits for the sender to confirm through the mailed link.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SESEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT, stageFromCdkJson } from '../../infra/stage-config';
import { startLocalServer } from '../../scripts/lib/local-server';
import { linkIn, sentMail } from '../../scripts/lib/outbox';
import type { IntakeOutcome } from '../../shared/domain/request-service';
import { BUCKETS } from '../../shared/resources';
import { loadEvent } from '../helpers/events';
import { httpClient } from '../helpers/http';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const endpoint = inject('motoEndpoint');

beforeAll(async () => {
  server = await startLocalServer({ settings: stageFromCdkJson('local'), port: 0 });
});
afterAll(() => server.close());

const call = httpClient(() => server.url);

describe('SES receipt events without a DMARC verdict', () => {
  it('opens the request as awaiting confirmation and mails the link, instead of dropping the mail', async () => {
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    const email = `${memberId}@example.com`;
    expect((await call('PUT', `/v1/members/${memberId}`, { email, locale: 'en', marketingOptIn: true })).status).toBe(201);

    const event = loadEvent<SESEvent>('ses', 'receipt-without-dmarc');
    const messageId = `no-dmarc-${randomUUID()}`;
    event.Records[0]!.ses.mail.messageId = messageId;
    expect(event.Records[0]!.ses.receipt).not.toHaveProperty('dmarcVerdict');
    await new S3Client({ forcePathStyle: true }).send(
      new PutObjectCommand({
        Bucket: process.env[BUCKETS.inboundMail.envVar],
        Key: `${BUCKETS.inboundMail.keyPrefix}${messageId}`,
        Body: `From: ${email}\r\nSubject: Delete my data\r\n\r\nPlease delete my personal data.\r\n`,
      }),
    );
    const { handler } = (await import(pathToFileURL(join(REPO_ROOT, 'functions', 'email', 'receive-email.ts')).href)) as {
      handler: (e: SESEvent) => Promise<IntakeOutcome[]>;
    };

    expect(await handler(event)).toEqual([expect.objectContaining({ outcome: 'awaiting_confirmation', type: 'delete' })]);
    const confirmation = (await sentMail(endpoint)).filter((m) => m.to.includes(email)).at(-1);
    expect(linkIn(confirmation!, '/v1/requests/verify?token=')).toBeDefined();
  });
});

/**
 * The console's plain parts, without a browser: who may open what, the register's CSV, the folding of
 * repeated mails on the timeline, and the local serving of the console (headers, app shell, config,
 * the Cognito pass-through that takes Cognito calls only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleHandler } from '../../../scripts/lib/console-serve';
import type { Disclosure } from '../../../shared/domain/ports';
import { toCsv } from '../../../shared/console/pages/disclosures';
import { foldRepeats, systemStatusWords } from '../../../shared/console/pages/request';
import { actorWords, auditActionWords, eventWords, milestoneWords } from '../../../shared/console/event-words';
import { translator } from '../../../shared/console/i18n';
import { REPO_ROOT } from '../../../infra/stage-config';
import { allows, personOf } from '../../../shared/console/session';

const jwt = (claims: Record<string, unknown>) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

describe('console roles', () => {
  it('gives the dpo every page and staff only staff pages; a person in neither group gets none', () => {
    expect(allows('dpo', 'dpo')).toBe(true);
    expect(allows('dpo', 'staff')).toBe(true);
    expect(allows('staff', 'staff')).toBe(true);
    expect(allows('staff', 'dpo')).toBe(false);
    expect(allows(undefined, 'staff')).toBe(false);
  });

  it('reads the person and the strongest role from the ID token\u2019s groups', () => {
    expect(personOf(jwt({ 'cognito:username': 'nid', email: 'nid@example.com', 'cognito:groups': ['staff', 'dpo'] }))).toEqual({
      username: 'nid',
      email: 'nid@example.com',
      groups: ['staff', 'dpo'],
      role: 'dpo',
    });
    expect(personOf(jwt({ 'cognito:username': 'x' })).role).toBeUndefined();
  });
});

describe('disclosure register CSV', () => {
  const base: Disclosure = {
    id: 'd-1',
    recipient: 'Police, Bangkok',
    legalBasis: 'required_by_law',
    reference: 'Warrant "12"',
    categories: ['profile', 'orders'],
    disclosedAt: '2026-11-01T05:00:00.000Z',
    recordedAt: '2026-11-01T05:00:00.000Z',
    recordedBy: 'dpo-demo',
  };

  it('quotes commas and quotes, and joins categories', () => {
    const [header, row] = toCsv([base]).split('\r\n');
    expect(header).toBe('id,disclosedAt,recipient,legalBasis,reference,categories,memberId,recordedAt,recordedBy,note');
    expect(row).toBe('d-1,2026-11-01T05:00:00.000Z,"Police, Bangkok",required_by_law,"Warrant ""12""",profile; orders,,2026-11-01T05:00:00.000Z,dpo-demo,');
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    const row = toCsv([{ ...base, recipient: '=HYPERLINK("http://x")', note: '+1', reference: '@SUM(A1)' }]).split('\r\n')[1]!;
    expect(row).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(row).toContain("'@SUM(A1)");
    expect(row.endsWith("'+1")).toBe(true);
  });
});

describe('request timeline', () => {
  it('folds consecutive repeats into one line with their count, keeping other events', () => {
    const folded = foldRepeats([
      { at: '1', event: 'received:open', by: 'requester' },
      { at: '2', event: 'repeated', by: 'requester' },
      { at: '3', event: 'repeated', by: 'requester' },
      { at: '4', event: 'comment', by: 'staff-demo' },
      { at: '5', event: 'repeated', by: 'requester' },
    ]);
    expect(folded.map((h) => [h.event, h.times])).toEqual([
      ['received:open', undefined],
      ['repeated', 2],
      ['comment', undefined],
      ['repeated', undefined],
    ]);
  });
});

describe('deadline milestones in words', () => {
  it('names reminders, the due date and overdue days in Thai and English, and keeps an unknown name as is', () => {
    const th = translator('th');
    const en = translator('en');
    expect(milestoneWords('remind-2d', en)).toBe('Staff reminder 2 days before the due date');
    expect(milestoneWords('remind-1d', th)).toBe('แจ้งเตือนเจ้าหน้าที่ 1 วันก่อนครบกำหนด');
    expect(milestoneWords('overdue-3', en)).toBe('Overdue day 3: reminded again');
    expect(milestoneWords('due', en)).toBe('Due (escalated, or applied automatically)');
    expect(milestoneWords('something-new', en)).toBe('something-new');
  });
});

describe('timeline events and audit actions in words', () => {
  const en = translator('en');
  const th = translator('th');

  it('words the names built from a status, outcome, milestone or system action, in Thai and English', () => {
    expect(eventWords('received:awaiting_confirmation', en)).toBe('Received (Awaiting confirmation)');
    expect(eventWords('completed:rejected', en)).toBe('Closed (Refused)');
    expect(eventWords('completed:done:override', en)).toBe('Closed without the other systems\u2019 confirmation');
    expect(eventWords('deadline:overdue-3', en)).toBe('Deadline: Overdue day 3: reminded again');
    expect(eventWords('system:erased', en)).toBe('A shop system confirmed: Erase the customer\u2019s data');
    expect(eventWords('system.failed', en)).toBe('A shop system reported a failure');
    expect(eventWords('received:web', th)).toBe('ได้รับคำขอ (web)');
    expect(auditActionWords('viewed', 'disclosures', th)).toBe('เปิดดูข้อมูล (การเปิดเผยข้อมูล)');
    expect(auditActionWords('viewed', 'something_new', en)).toBe('Viewed (something_new)');
    expect(eventWords('brand.new_event', en)).toBe('brand.new_event');
    expect(actorWords('requester', th)).toBe('ผู้ขอ');
    expect(actorWords('system:deadlines', en)).toBe('the system (deadlines)');
    expect(actorWords('staff-somsri', en)).toBe('staff-somsri');
  });

  it('has words for every plain event and audit action name the domain writes', () => {
    const domain = join(REPO_ROOT, 'shared', 'domain');
    const names = new Set<string>();
    for (const file of readdirSync(domain, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(join(domain, file), 'utf8');
      for (const m of text.matchAll(/\b(?:event|action): '([a-z_.:]+)'/g)) names.add(m[1]!);
      for (const m of text.matchAll(/auditOwed\([^)]*?'([a-z_]+\.[a-z_]+)'/g)) names.add(m[1]!);
    }
    expect(names.size).toBeGreaterThan(30);
    // Events sent to the shop's other systems, and the actions they confirm (worded as `action_*`): never history.
    const outbound = new Set([
      'member.erasure_due',
      'request.completed',
      'address.suppressed',
      'member.deactivated',
      'erased',
      'edited',
      'suppressed',
      'deactivated',
    ]);
    const unworded = [...names].filter((n) => !outbound.has(n) && eventWords(n, en) === n);
    expect(unworded).toEqual([]);
  });
});

describe('other systems\u2019 part in words', () => {
  it('says done and failed with when, and failed with the system\u2019s reason, in Thai and English', () => {
    const at = '2026-11-02T03:04:00.000Z';
    const en = translator('en');
    const th = translator('th');
    expect(systemStatusWords({ system: 'shop-backend', action: 'erased', status: 'waiting' }, en, 'en')).toBe('Waiting for confirmation');
    expect(systemStatusWords({ system: 'shop-backend', action: 'erased', status: 'waiting' }, th, 'th')).toBe('รอการยืนยัน');
    const done = systemStatusWords({ system: 'shop-backend', action: 'erased', status: 'done', at }, en, 'en');
    expect(done).toMatch(/^Done \(.*2026.*\)$/);
    const failed = systemStatusWords({ system: 'shop-backend', action: 'erased', status: 'failed', at, reason: 'orders under dispute' }, th, 'th');
    expect(failed).toMatch(/^ล้มเหลว \(.*2569.*\): orders under dispute$/);
  });
});

describe('console serving (local mode)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-serve-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>shell</title>');
  writeFileSync(join(dir, 'main-ABCDEF12.js'), 'export {};');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const serve = consoleHandler({
    dir,
    // Unreachable: a call passed on would fail instead of answering 400.
    cognitoUpstream: 'http://cognito.invalid',
    config: () => ({ apiBaseUrl: '', stage: 'local', region: 'ap-southeast-1', userPoolId: 'pool', clientId: 'client', cognitoEndpoint: '/console/cognito' }),
  });

  async function request(method: string, path: string, headers: Record<string, string> = {}, body = '') {
    const req = Object.assign(Readable.from(body ? [Buffer.from(body)] : []), { method, headers }) as unknown as IncomingMessage;
    let status = 0;
    let sent: Record<string, string> = {};
    let out = '';
    const res = {
      writeHead(s: number, h: Record<string, string>) {
        status = s;
        sent = h;
      },
      end(chunk?: Buffer | string) {
        out = chunk ? String(chunk) : '';
      },
    } as unknown as ServerResponse;
    const handled = await serve(req, res, new URL(`http://127.0.0.1${path}`));
    return { handled, status, headers: sent, body: out };
  }

  it('leaves every path outside /console to the API', async () => {
    expect((await request('GET', '/v1/health')).handled).toBe(false);
    expect((await request('GET', '/consoles')).handled).toBe(false);
  });

  it('answers the console\u2019s own pages with the app shell, under a strict CSP', async () => {
    const page = await request('GET', '/console/requests/R-ABCDEFGH23');
    expect(page.status).toBe(200);
    expect(page.body).toContain('shell');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'; style-src 'self'/);
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cache-control']).toBe('no-cache');
    const script = await request('GET', '/console/main-ABCDEF12.js');
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['cache-control']).toContain('immutable');
    expect((await request('GET', '/console/missing-ABCDEF12.js')).status).toBe(404);
  });

  it('serves config.json for this instance, never cached', async () => {
    const config = await request('GET', '/console/config.json');
    expect(JSON.parse(config.body)).toMatchObject({ userPoolId: 'pool', clientId: 'client', cognitoEndpoint: '/console/cognito' });
    expect(config.headers['cache-control']).toBe('no-store');
  });

  it('passes on only Cognito API calls, and refuses anything else before reaching the emulator', async () => {
    const refused = await request('POST', '/console/cognito', { 'x-amz-target': 'DynamoDB_20120810.Scan' }, '{}');
    expect(refused.status).toBe(400);
    expect((await request('GET', '/console/cognito', { 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' })).status).toBe(400);
  });
});

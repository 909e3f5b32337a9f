/// <reference lib="dom" />
/**
 * The console's calls to the HTTP API, typed with the shapes the routes validate (shared/schemas)
 * and return (shared/domain). Type-only imports: nothing of the server code goes into the bundle.
 */
import type * as z from 'zod/mini';
import type { AuditEntry, Disclosure } from '../domain/ports';
import type { ChainVerification } from '../domain/audit';
import type { PolicyVersion } from '../domain/policy';
import type { QueueView } from '../domain/request-queue';
import type { RequestType } from '../domain/request-types';
import type { CompleteRequestInput, DisclosureInput, OverrideFulfilmentInput } from '../schemas/requests';
import type { PublishPolicyInput } from '../schemas/consent';
import type {
  AssignInput,
  CommentInput,
  CompletionPreview,
  CompletionPreviewInput,
  MemberMatch,
  MemberView,
  QueueItem,
  QueuePage,
  ReclassifyInput,
  RequestDetail,
} from '../schemas/staff';
import type { Report } from '../schemas/reports';
import type { ConsoleConfig } from './config';
import type { ConsoleReport } from './report-pages';
import type { Session } from './session';

export type CompleteRequest = z.infer<typeof CompleteRequestInput>;
export type NewDisclosure = z.infer<typeof DisclosureInput>;
export type NewPolicy = z.infer<typeof PublishPolicyInput>;
export interface Page<T> {
  items: T[];
  next?: string;
}
export interface AuditAnswer {
  subject: string;
  verification: ChainVerification;
  entries: AuditEntry[];
}
export interface SubscriptionAnswer {
  email: string;
  subscribed: boolean;
  unsubscribedAt?: string;
  via?: string;
}
export type { AuditEntry, CompletionPreview, Disclosure, MemberView, PolicyVersion, QueueItem, QueueView, RequestDetail };

/** An answer other than 2xx: `{ error: { code, message, issues? } }` as every route gives it. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export class Api {
  constructor(
    private readonly config: ConsoleConfig,
    private readonly session: Session,
  ) {}

  async call<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: { query?: Record<string, string | number | undefined>; body?: unknown } = {},
  ): Promise<T> {
    const text = await (await this.send(method, path, options)).text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      return undefined as T;
    }
  }

  /**
   * Saves a file the API answers (a CSV) under the name its content-disposition gives, else
   * `fallbackName`: fetched with the person's token, since a plain link cannot send the Authorization
   * header, and handed to the browser as an object URL. The bytes are kept as sent (the CSV's BOM too).
   */
  async download(path: string, query: Record<string, string | number | undefined>, fallbackName: string): Promise<void> {
    const res = await this.send('GET', path, { query });
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([await res.arrayBuffer()], { type: res.headers.get('content-type') ?? 'text/csv;charset=utf-8' }));
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 0);
  }

  /** The fetch every call shares: the bearer token, the query, and an ApiError for any answer but 2xx. */
  private async send(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: { query?: Record<string, string | number | undefined>; body?: unknown },
  ): Promise<Response> {
    const token = this.session.idToken;
    if (!token) throw new ApiError(401, 'signed_out', 'Not signed in');
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== '') query.set(k, String(v));
    const url = `${this.config.apiBaseUrl}${path}${query.size ? `?${query}` : ''}`;
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    if (res.ok) return res;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const error = (json as { error?: { code?: string; message?: string; issues?: { path: string; message: string }[] } } | undefined)?.error;
    // API Gateway's JWT authoriser answers an expired token with 401 and its own body.
    if (res.status === 401) this.session.end('expired');
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? (text.slice(0, 200) || `HTTP ${res.status}`), error?.issues);
  }

  queue = (status: QueueView, filter: { type?: RequestType | ''; next?: string } = {}) =>
    this.call<QueuePage>('GET', '/v1/admin/requests', { query: { status, type: filter.type, next: filter.next, limit: 100 } });
  request = (id: string) => this.call<RequestDetail>('GET', `/v1/admin/requests/${encodeURIComponent(id)}`);
  complete = (id: string, body: CompleteRequest) => this.call<unknown>('POST', `/v1/admin/requests/${encodeURIComponent(id)}/complete`, { body });
  previewCompletion = (id: string, body: z.infer<typeof CompletionPreviewInput>) =>
    this.call<CompletionPreview>('POST', `/v1/admin/requests/${encodeURIComponent(id)}/completion-preview`, { body });
  reclassify = (id: string, body: z.infer<typeof ReclassifyInput>) =>
    this.call<unknown>('POST', `/v1/admin/requests/${encodeURIComponent(id)}/reclassify`, { body });
  comment = (id: string, body: z.infer<typeof CommentInput>) => this.call<unknown>('POST', `/v1/admin/requests/${encodeURIComponent(id)}/comments`, { body });
  assign = (id: string, body: z.infer<typeof AssignInput>) => this.call<unknown>('POST', `/v1/admin/requests/${encodeURIComponent(id)}/assign`, { body });
  /** DPO only: closes a carried-out request without every system's confirmation, with the reason (audited). */
  overrideFulfilment = (id: string, body: z.infer<typeof OverrideFulfilmentInput>) =>
    this.call<unknown>('POST', `/v1/admin/requests/${encodeURIComponent(id)}/fulfilment-override`, { body });
  findMembers = (query: { email?: string; memberId?: string; visitorId?: string }) =>
    this.call<{ items: MemberMatch[] }>('GET', '/v1/admin/members', { query });
  member = (memberId: string) => this.call<MemberView>('GET', `/v1/admin/members/${encodeURIComponent(memberId)}`, { query: { visits: 20 } });
  audit = (subject: string) => this.call<AuditAnswer>('GET', `/v1/admin/audit/${encodeURIComponent(subject)}`);
  disclosures = (memberId?: string, next?: string) => this.call<Page<Disclosure>>('GET', '/v1/admin/disclosures', { query: { memberId, next, limit: 100 } });
  recordDisclosure = (body: NewDisclosure) => this.call<Disclosure>('POST', '/v1/admin/disclosures', { body });
  policies = () => this.call<{ current: string; items: PolicyVersion[] }>('GET', '/v1/admin/policies');
  publishPolicy = (body: NewPolicy) => this.call<PolicyVersion>('POST', '/v1/admin/policies', { body });
  /** A report for Bangkok days `from`..`to`, its labels then read from shared/reports/labels.ts. */
  report = (report: ConsoleReport, query: { from: string; to: string }) => this.call<Report>('GET', report.apiPath, { query });
  suppression = (email: string) => this.call<SubscriptionAnswer>('GET', `/v1/admin/suppressions/${encodeURIComponent(email)}`);
}

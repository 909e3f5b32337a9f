/// <reference lib="dom" />
/**
 * The console's calls to the HTTP API, typed with the shapes the routes validate (shared/schemas)
 * and return (shared/domain). Type-only imports: nothing of the server code goes into the bundle.
 */
import type * as z from 'zod/mini';
import type { AuditEntry, Disclosure } from '../domain/ports';
import type { ChainVerification } from '../domain/audit';
import type { PolicyVersion } from '../domain/policy';
import type { DataRequest, RequestStatus } from '../domain/requests';
import type { CompleteRequestInput, DisclosureInput } from '../schemas/requests';
import type { PublishPolicyInput } from '../schemas/consent';
import type { ConsoleConfig } from './config';
import type { Session } from './session';

export type CompleteRequest = z.infer<typeof CompleteRequestInput>;
export type NewDisclosure = z.infer<typeof DisclosureInput>;
export type NewPolicy = z.infer<typeof PublishPolicyInput>;
/** The queue lists requests without their history and mail (the request itself has those). */
export type QueueItem = Omit<DataRequest, 'history' | 'details' | 'verdicts' | 'version' | 'replies' | 'owed'>;
export type RequestDetail = Omit<DataRequest, 'owed'> & {
  owed?: { id: string; kind: string; since: string }[];
  /** Why the mail was read as this type (the phrases that matched), when intake recorded it. */
  classification?: { matched?: string[]; reason?: string };
};
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
export type { AuditEntry, Disclosure, PolicyVersion, RequestStatus };

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
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string; issues?: { path: string; message: string }[] } } | undefined)?.error;
      // API Gateway's JWT authoriser answers an expired token with 401 and its own body.
      if (res.status === 401) this.session.end('expired');
      throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? (text.slice(0, 200) || `HTTP ${res.status}`), error?.issues);
    }
    return json as T;
  }

  queue = (status: RequestStatus, next?: string) => this.call<Page<QueueItem>>('GET', '/v1/admin/requests', { query: { status, limit: 100, next } });
  request = (id: string) => this.call<RequestDetail>('GET', `/v1/admin/requests/${encodeURIComponent(id)}`);
  complete = (id: string, body: CompleteRequest) => this.call<unknown>('POST', `/v1/admin/requests/${encodeURIComponent(id)}/complete`, { body });
  audit = (subject: string) => this.call<AuditAnswer>('GET', `/v1/admin/audit/${encodeURIComponent(subject)}`);
  disclosures = (memberId?: string, next?: string) => this.call<Page<Disclosure>>('GET', '/v1/admin/disclosures', { query: { memberId, next, limit: 100 } });
  recordDisclosure = (body: NewDisclosure) => this.call<Disclosure>('POST', '/v1/admin/disclosures', { body });
  policies = () => this.call<{ current: string; items: PolicyVersion[] }>('GET', '/v1/admin/policies');
  publishPolicy = (body: NewPolicy) => this.call<PolicyVersion>('POST', '/v1/admin/policies', { body });
  subscription = (email: string) => this.call<SubscriptionAnswer>('GET', `/v1/subscriptions/${encodeURIComponent(email)}`);
  visits = (memberId: string) => this.call<Page<Record<string, unknown>>>('GET', '/v1/admin/visits', { query: { memberId, limit: 20 } });
}

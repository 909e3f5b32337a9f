/// <reference lib="dom" />
/**
 * Who is signed in. The ID and access tokens live in this tab's sessionStorage (gone when the tab
 * closes; never in localStorage or a cookie), the refresh token in memory only, so a stolen storage
 * dump is worth at most the ID token's short life. At expiry the session is refreshed, or ends.
 */
import { claimsOf, refresh, type Tokens } from './cognito';
import type { ConsoleConfig } from './config';

export type Role = 'staff' | 'dpo';

export interface Person {
  username: string;
  email?: string;
  groups: string[];
  /** The strongest role of the person's groups; undefined when in neither group. */
  role?: Role;
}

const STORE_KEY = 'console.session';

export function personOf(idToken: string): Person {
  const claims = claimsOf(idToken);
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as unknown[]).map(String) : [];
  const role: Role | undefined = groups.includes('dpo') ? 'dpo' : groups.includes('staff') ? 'staff' : undefined;
  return {
    username: String(claims['cognito:username'] ?? claims.username ?? claims.sub ?? ''),
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    groups,
    ...(role ? { role } : {}),
  };
}

/** A role may open a page meant for `needed`: the dpo has everything staff have. */
export const allows = (role: Role | undefined, needed: Role) => role === 'dpo' || (role === 'staff' && needed === 'staff');

export class Session {
  private tokens: Tokens | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private listeners = new Set<() => void>();
  /** Why the last session ended, shown on the sign-in page ('expired'). */
  endedBecause: 'expired' | 'signed_out' | undefined;

  constructor(
    private readonly config: ConsoleConfig,
    private readonly now: () => number = () => Date.now(),
  ) {
    const saved = sessionStorage.getItem(STORE_KEY);
    if (saved) {
      try {
        const tokens = JSON.parse(saved) as Tokens;
        if (tokens.expiresAt > this.now()) this.tokens = tokens;
        else this.endedBecause = 'expired';
      } catch {
        // not ours: ignore
      }
      if (!this.tokens) sessionStorage.removeItem(STORE_KEY);
    }
    this.schedule();
  }

  get person(): Person | undefined {
    return this.tokens ? personOf(this.tokens.idToken) : undefined;
  }

  /** The ID token for `Authorization: Bearer`, or undefined when signed out or expired. */
  get idToken(): string | undefined {
    if (this.tokens && this.tokens.expiresAt <= this.now()) this.end('expired');
    return this.tokens?.idToken;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(tokens: Tokens) {
    this.tokens = tokens;
    this.endedBecause = undefined;
    const { refreshToken: _kept, ...stored } = tokens;
    sessionStorage.setItem(STORE_KEY, JSON.stringify(stored));
    this.schedule();
    this.emit();
  }

  end(because: 'expired' | 'signed_out') {
    if (!this.tokens) return;
    this.tokens = undefined;
    this.endedBecause = because;
    sessionStorage.removeItem(STORE_KEY);
    clearTimeout(this.timer);
    this.emit();
  }

  /** A minute before expiry: refresh when a refresh token is held, else end the session at expiry. */
  private schedule() {
    clearTimeout(this.timer);
    const tokens = this.tokens;
    if (!tokens) return;
    const refreshToken = tokens.refreshToken;
    const at = refreshToken ? tokens.expiresAt - 60_000 : tokens.expiresAt;
    this.timer = setTimeout(
      () => {
        if (!refreshToken) return this.end('expired');
        refresh(this.config, refreshToken).then(
          (step) => (step.kind === 'signed_in' ? this.start(step.tokens) : this.end('expired')),
          () => this.end('expired'),
        );
      },
      Math.max(0, at - this.now()),
    );
  }

  private emit() {
    for (const listener of this.listeners) listener();
  }
}

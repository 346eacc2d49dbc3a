// tokenward/browser: login, fresh tokens shared by every tab, logout that ends the provider session.
import type { Claims, SessionConfig, LoginOptions } from './tokenward.js';
import type { SessionStore } from './session-node.js';
export { SessionError } from './session-node.js';

export interface CreateSessionOptions extends Omit<SessionConfig, 'userAgent'> {
  /** 'memory' (default: this tab only), 'indexeddb' (shared by tabs; refresh token encrypted at rest), or an adapter. */
  storage?: 'memory' | 'indexeddb' | SessionStore;
  /** 'auto' (default): the SharedWorker where there is one (storage 'memory' or 'indexeddb'), else Web Locks + BroadcastChannel when the store is shared, else none. */
  coordination?: 'auto' | 'locks' | 'shared-worker' | 'none';
}

/**
 * Events (`CustomEvent`, in every tab): `tokens`, `refreshed`, `loginComplete` ({ returnTo }),
 * `expiring` ({ expiresAt, remaining }: the access token is due and nothing refreshes it),
 * `idleWarning` ({ remaining }), `loggedOut` ({ cause }), `error` ({ cause, message }).
 */
export interface Session extends EventTarget {
  /** Resolves once the Wasm is loaded; every method waits for it anyway. */
  readonly ready: Promise<void>;
  /** The coordination actually in use. */
  readonly coordination: 'shared-worker' | 'locks' | 'none';
  restore(): Promise<boolean>;
  login(options?: LoginOptions & { extra?: Record<string, string> | [string, string][] }): Promise<string>;
  handleCallback(url?: string): Promise<{ returnTo: string | null }>;
  getAccessToken(options?: { force?: boolean }): Promise<string>;
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  logout(options?: { provider?: boolean; revoke?: boolean; uiLocales?: string }): Promise<string | null>;
  touch(): void;
  endSessionUrl(): string | undefined;
  readonly authenticated: boolean;
  readonly claims: Claims | null;
  readonly idClaims: Claims | null;
  /** Seconds since the epoch, like `exp`. */
  readonly expiresAt: number | null;
  readonly offline: boolean;
  hasRealmRole(role: string): boolean;
  hasResourceRole(role: string, client?: string): boolean;
  dispose(): void;
}

export declare function createSession(options: CreateSessionOptions): Session;

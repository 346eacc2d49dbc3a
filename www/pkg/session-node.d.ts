// tokenward/session: the session driver. Every decision is the Rust core's (SessionCore);
// the driver only fetches, stores, schedules and navigates.
import type { SessionCause, SessionConfig, SessionState, SessionView, LoginOptions } from './tokenward.js';

export declare class SessionError extends Error {
  readonly name: 'SessionError';
  /** The core's cause, e.g. 'refresh_reused', 'offline_revoked', 'network'. */
  readonly code: SessionCause;
}

/** Where the session state lives: compare-and-set on `state.version` (0 = empty). */
export interface SessionStore {
  load(): Promise<SessionState | null>;
  compareAndSet(expected: number, state: SessionState): Promise<{ ok: boolean; current?: SessionState | null }>;
  /** Optional: be told of writes by other drivers (tabs, requests). */
  subscribe?(listener: (state: SessionState | null) => void): () => void;
}

export interface SessionDriverOptions extends SessionConfig {
  /** Default: memoryStore(). */
  store?: SessionStore;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** User agents: go to this URL (login, RP-initiated logout). */
  navigate?(url: string): void;
  submitForm?(url: string, fields: [string, string][]): void;
  now?(): number;
  mono?(): number | undefined;
}

export interface SessionDriver {
  readonly events: EventTarget;
  addEventListener: EventTarget['addEventListener'];
  removeEventListener: EventTarget['removeEventListener'];
  start(): Promise<SessionView>;
  /** Resolves with the authorization URL the user agent is sent to. */
  login(options?: LoginOptions & { extra?: Record<string, string> | [string, string][] }): Promise<string>;
  handleCallback(url: string | URL): Promise<{ returnTo: string | null }>;
  getAccessToken(options?: { force?: boolean }): Promise<string>;
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Resolves with the URL navigated to for an RP-initiated logout, if any. */
  logout(options?: { provider?: boolean; revoke?: boolean; uiLocales?: string }): Promise<string | null>;
  touch(): void;
  /** Re-check deadlines now (after a wake-up). */
  recheck(): void;
  backchannelLogout(target: { sid?: string | null; sub?: string | null }): Promise<void>;
  view(): SessionView;
  endSessionUrl(): string | undefined;
  /** What a login in progress needs across its navigation (no token in it), or null. */
  loginCarry(): SessionState | null;
  settled(): Promise<void>;
  dispose(): void;
}

export declare function memoryStore(initial?: SessionState | null): SessionStore & { clear(): Promise<void> };
/** Resolves once the Wasm is loaded: await it before createSessionDriver (already resolved in Node and workerd). */
export declare const ready: Promise<void>;
export declare function createSessionDriver(options: SessionDriverOptions): SessionDriver;

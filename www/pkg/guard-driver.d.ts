import type { Token } from './tokenward.js';

/** What the guard checks. Every list, when given, is non-empty. */
export interface GuardOptions {
  /** The provider's issuer; `iss` must equal it. Required. */
  issuer: string;
  /** The JWKS URL. Without it (and without `discovery`) the guard reads
   * `{issuer}/.well-known/openid-configuration`. */
  jwksUri?: string;
  /** The discovery document's URL (its `issuer` must equal `issuer`). */
  discovery?: string;
  /** Accepted audience(s): the token's `aud` must contain one. */
  audience?: string | string[];
  azp?: string;
  /** Algorithm allow-list. Default: what the JWKS keys allow. */
  algorithms?: string[];
  /** Seconds of leeway for exp, nbf, iat. Default 30. */
  clockTolerance?: number;
  maxAge?: number;
  requiredClaims?: string[];
  /** `realm` of the WWW-Authenticate challenge. Default: the issuer. */
  realm?: string;
  /** Keycloak realm roles the token must all hold. */
  requiredRealmRoles?: string[];
  /** Client roles the token must all hold: `{ clientId: [roles] }`. */
  requiredResourceRoles?: Record<string, string[]>;
  /** Scopes the token's `scope` must all hold (a 403 names them in `scope`). */
  requiredScopes?: string[];
  /** JWKS cache bounds, in seconds (defaults: defaultMaxAge 600, minMaxAge 60, maxMaxAge 86400,
   * cooldown 30, staleLimit 3600, fetchTimeout 10). */
  cache?: {
    defaultMaxAge?: number;
    minMaxAge?: number;
    maxMaxAge?: number;
    cooldown?: number;
    staleLimit?: number;
    fetchTimeout?: number;
  };
  /** Verified tokens remembered per key set (default 1024; 0 disables). */
  cacheSize?: number;
  /** The fetch to use (default: the global fetch). */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Keep the key set across isolates: a KV namespace or a Cache (Cache API). */
  persist?: {
    kv?: { get(key: string): Promise<string | null>; put(key: string, value: string): Promise<void> };
    cache?: { match(url: string): Promise<Response | undefined>; put(url: string, res: Response): Promise<void> };
    key?: string;
  };
}

export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

export interface Guard {
  /** The verified access token, or the Response to send (400, 401, 403 or 503). */
  check(request: Request, ctx?: ExecutionContextLike): Promise<Token | Response>;
  protect<Env>(
    handler: (request: Request, env: Env, ctx: ExecutionContextLike, token: Token) => Response | Promise<Response>,
  ): (request: Request, env: Env, ctx: ExecutionContextLike) => Promise<Response>;
  /** Hono middleware; the token is `c.get(key)` (default 'token'). */
  hono(options?: { key?: string }): (c: any, next: () => Promise<void>) => Promise<Response | void>;
  /** JWKS and discovery fetches started so far. */
  readonly fetches: number;
}

export declare function createGuard(options: GuardOptions): Guard;

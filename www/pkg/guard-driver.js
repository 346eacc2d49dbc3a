// The Bearer guard's I/O (tokenward/worker): it fetches the JWKS and the discovery document when
// the core asks, lets concurrent requests wait for one fetch, reads the clock, persists the key
// set where asked, and turns the core's decision into a Response. Every decision (which status,
// which challenge, when to fetch, how long keys serve) is GuardCore's.
import { GuardCore } from './tokenward.js';

const nowSeconds = () => Date.now() / 1000;

// A request's ctx.waitUntil keeps a fetch alive past the request that started it (workerd
// cancels a finished request's I/O otherwise); Hono throws when it has no executionCtx.
function waitUntilOf(ctx) {
  return typeof ctx?.waitUntil === 'function' ? (p) => ctx.waitUntil(p) : () => {};
}

function response(decision) {
  const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  if (decision.wwwAuthenticate) headers.set('www-authenticate', decision.wwwAuthenticate);
  if (decision.retryAfter != null) headers.set('retry-after', String(decision.retryAfter));
  const body = decision.error ? { error: decision.error, error_description: decision.description } : {};
  return new Response(JSON.stringify(body), { status: decision.status, headers });
}

// The shim's own option errors carry the core's code (TokenError's `invalid_option`), so callers
// check one `code` whichever side refused.
const invalidOption = (message) => Object.assign(new TypeError(`tokenward guard: ${message}`), { code: 'invalid_option' });

/** Persistence of the key set across isolates: a KV namespace or a Cache (the Cache API). */
function store(persist) {
  if (persist === undefined) return null;
  // Fails closed: a store without the methods it needs, or an empty key, is a configuration
  // error, never "no persistence".
  if (typeof persist !== 'object' || persist === null) throw invalidOption('persist takes { kv } or { cache }');
  const key = persist.key ?? 'tokenward-jwks';
  if (typeof key !== 'string' || key === '') throw invalidOption('persist.key must be a non-empty string');
  if (persist.kv !== undefined && persist.cache !== undefined) throw invalidOption('persist takes { kv } or { cache }, not both');
  const has = (o, ...names) => o && names.every((n) => typeof o[n] === 'function');
  // load and save are async: a get or put that throws becomes a rejection, which the guard
  // ignores (a sync throw would fail the request, or, after a fetch, count the fetch as failed).
  if (persist.kv !== undefined) {
    if (!has(persist.kv, 'get', 'put')) throw invalidOption('persist.kv must be a KV namespace (get and put)');
    return { load: async () => persist.kv.get(key), save: async (text) => persist.kv.put(key, text) };
  }
  if (persist.cache !== undefined) {
    if (!has(persist.cache, 'match', 'put')) throw invalidOption('persist.cache must be a Cache (match and put)');
    // The Cache API keys by URL: a synthetic one that no client can request.
    const url = `https://tokenward.invalid/${encodeURIComponent(key)}`;
    return {
      load: async () => (await persist.cache.match(url))?.text(),
      save: async (text) => persist.cache.put(url, new Response(text, { headers: { 'cache-control': 'max-age=604800' } })),
    };
  }
  throw invalidOption('persist takes { kv } or { cache }');
}

export function createGuard(options) {
  const { fetch: fetchImpl, persist, ...coreOptions } = options ?? {};
  const core = new GuardCore(coreOptions);
  const doFetch = fetchImpl ?? ((url, init) => globalThis.fetch(url, init));
  const persisted = store(persist);
  const inflight = new Map();
  let restoring = null;

  function startFetch(f, waitUntil) {
    const run = (async () => {
      try {
        const res = await doFetch(f.url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(core.fetchTimeout * 1000),
        });
        const body = await res.text();
        core.fetched(f.id, nowSeconds(), res.status, res.headers.get('cache-control') ?? undefined, body);
        if (persisted && f.kind === 'jwks') {
          const snapshot = core.snapshot();
          if (snapshot) await persisted.save(snapshot).catch(() => {});
        }
      } catch (err) {
        const why = err?.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
        core.failed(f.id, nowSeconds(), `the ${f.kind} endpoint ${why}`);
      } finally {
        inflight.delete(f.id);
      }
    })();
    inflight.set(f.id, run);
    waitUntil(run);
    return run;
  }

  async function check(request, ctx) {
    if (persisted) {
      restoring ??= Promise.resolve(persisted.load())
        .then((text) => text && core.restore(text, nowSeconds()))
        .catch(() => {});
      await restoring;
    }
    const waitUntil = waitUntilOf(ctx);
    const authorization = request.headers.get('authorization') ?? undefined;
    // Each round settles a fetch or ends; the core never asks one request for more than two.
    for (let round = 0; round < 6; round++) {
      const step = core.check(authorization, nowSeconds());
      if (step.step === 'deny') return response(step.decision);
      if (step.step === 'fetch') {
        await startFetch(step.fetch, waitUntil);
      } else if (step.step === 'wait') {
        const running = inflight.get(step.id);
        // The core waits for a fetch this isolate no longer runs: report it lost.
        if (running) await running;
        else core.failed(step.id, nowSeconds(), 'the fetch was lost');
      } else {
        if (step.refresh) startFetch(step.refresh, waitUntil);
        const decision = await step.decision;
        return decision.allow ? decision.token : response(decision);
      }
    }
    throw new Error('tokenward guard: the key set did not settle');
  }

  return {
    check,
    /** A `fetch(request, env, ctx)` handler that runs `handler(request, env, ctx, token)` only for
     * requests whose token passes; the others get the guard's Response. */
    protect(handler) {
      return async (request, env, ctx) => {
        const result = await check(request, ctx);
        return result instanceof Response ? result : handler(request, env, ctx, result);
      };
    },
    /** Hono middleware: sets `c.get(key)` (default 'token') to the verified token. */
    hono({ key = 'token' } = {}) {
      return async (c, next) => {
        let ctx;
        try {
          ctx = c.executionCtx;
        } catch {
          ctx = undefined;
        }
        const result = await check(c.req.raw, ctx);
        if (result instanceof Response) return result;
        c.set(key, result);
        await next();
      };
    },
    /** JWKS and discovery fetches started by this guard. */
    get fetches() {
      return core.fetches;
    },
  };
}

// The session driver (`tokenward/session`): runs the Rust session machine (`SessionCore`) by
// executing its commands (fetch with a timeout, store load / compare-and-set, timers,
// navigation) and feeding back the answers with the time. It decides nothing: every decision
// is the core's. The same module serves browsers, workers and Node.

/** Thrown by `getAccessToken()` and friends; `code` is the core's cause (e.g. 'refresh_reused'). */
export class SessionError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = 'SessionError';
    this.code = code;
  }
}

/**
 * A store in this process's memory: compare-and-set on `version`. Shared by every driver
 * given the same object (several "tabs" or requests in one process).
 */
export function memoryStore(initial = null) {
  let current = initial;
  const listeners = new Set();
  const copy = (s) => (s == null ? null : structuredClone(s));
  return {
    async load() {
      return copy(current);
    },
    async compareAndSet(expected, state) {
      if ((current ? current.version : 0) !== expected) return { ok: false, current: copy(current) };
      current = copy(state);
      for (const l of listeners) queueMicrotask(() => l(copy(current)));
      return { ok: true };
    },
    async clear() {
      current = null;
      for (const l of listeners) queueMicrotask(() => l(null));
    },
    // Every driver is told of every write; the core ignores its own (same version).
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The notices the core sends, each dispatched as a `CustomEvent` of that type (the shims forward them all). */
export const SESSION_EVENTS = ['tokens', 'refreshed', 'loginComplete', 'expiring', 'idleWarning', 'loggedOut', 'error'];

/**
 * fetch with the Bearer token from `getAccessToken`; on a 401 the token is refreshed once
 * (`force`) and the request retried once, never more.
 */
export async function authorizedFetch(getAccessToken, doFetch, input, init = {}) {
  const isRequest = typeof Request === 'function' && input instanceof Request;
  // init.headers would replace a Request's own headers: start from them. The retry needs a
  // body nobody has read yet, so the copy is made before the first attempt reads it.
  const base = init.headers ?? (isRequest ? input.headers : undefined);
  const again = isRequest ? input.clone() : input;
  const call = async (target, token) => {
    const headers = new Headers(base);
    headers.set('authorization', `Bearer ${token}`);
    return doFetch(target, { ...init, headers });
  };
  const res = await call(input, await getAccessToken());
  // A stream body is spent by the first attempt: its 401 is the answer.
  if (res.status !== 401 || (typeof ReadableStream === 'function' && init.body instanceof ReadableStream)) return res;
  return call(again, await getAccessToken({ force: true }));
}

function retryAfterSeconds(value, now) {
  if (value == null || value === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

const CONFIG_KEYS = new Set([
  'issuer', 'clientId', 'clientSecret', 'clientSecretInBody', 'redirectUri', 'postLogoutRedirectUri',
  'scope', 'minValidity', 'idleTimeout', 'idleWarning', 'userAgent', 'logoutAsForm', 'backchannel',
  'adminClientId', 'adminClientSecret', 'flow', 'algorithms', 'clockTolerance', 'requestTimeoutMs',
]);
const IO_KEYS = new Set(['store', 'fetch', 'navigate', 'submitForm', 'now', 'mono', 'setTimeout', 'clearTimeout']);

/**
 * Create a session driver. `SessionCore` is the class from the runtime's tokenward entry (the
 * `tokenward/session` entries pass it). `options` holds the core's configuration plus the I/O:
 * `store` (default `memoryStore()`), `fetch` (default global), `navigate(url)` and
 * `submitForm(url, fields)` (user agents only), `now()` / `mono()` clocks.
 */
export function createDriver(SessionCore, options = {}) {
  const config = {};
  for (const [k, v] of Object.entries(options)) {
    if (CONFIG_KEYS.has(k)) { if (v !== undefined) config[k] = v; } else if (!IO_KEYS.has(k)) throw new TypeError(`unknown session option "${k}"`);
  }
  const core = new SessionCore(config);
  const store = options.store ?? memoryStore();
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const now = options.now ?? Date.now;
  const mono = options.mono ?? (globalThis.performance ? () => Math.floor(performance.now()) : () => undefined);
  const setT = options.setTimeout ?? globalThis.setTimeout.bind(globalThis);
  const clearT = options.clearTimeout ?? globalThis.clearTimeout.bind(globalThis);
  const events = new EventTarget();
  let timer = null;
  let busy = 0; // commands whose answer is still outstanding
  let disposed = false;
  const waiters = new Set(); // getAccessToken callers
  const idleWaiters = new Set();
  let lastNavigation = null;

  // A written state the core refuses (malformed) is not adopted; the next load reads again.
  const onStoreChanged = (state) => {
    try {
      feed({ type: 'storeChanged', state });
    } catch {}
  };
  const unsubscribe = store.subscribe ? store.subscribe(onStoreChanged) : null;

  function feed(event) {
    if (disposed) return;
    core.handle(event, now(), mono());
    drain();
  }

  function track(promise) {
    busy++;
    const done = () => {
      busy--;
      settle();
    };
    promise.then(done, done);
  }

  // The store's own error (not a conflict), for the core: it decides what follows.
  const why = (e) => String(e?.message ?? e);

  function drain() {
    for (let cmd = core.poll(); cmd !== undefined; cmd = core.poll()) run(cmd);
    schedule();
    settle();
  }

  function run(cmd) {
    switch (cmd.type) {
      // An adapter may throw at once or answer with something the core refuses (a malformed
      // state): either is the store's failure, and the core hears of it.
      case 'load':
        track(
          Promise.resolve()
            .then(() => store.load())
            .then((state) => feed({ type: 'loaded', state: state ?? null }))
            .catch((e) => feed({ type: 'loadFailed', message: why(e) })),
        );
        break;
      case 'save':
        track(
          Promise.resolve()
            .then(() => store.compareAndSet(cmd.expected, cmd.state))
            .then((r) => feed({ type: 'saved', ok: !!r?.ok, current: r?.ok ? null : (r?.current ?? null) }))
            .catch((e) => feed({ type: 'saveFailed', message: why(e) })),
        );
        break;
      case 'send':
        track(send(cmd));
        break;
      case 'navigate':
        lastNavigation = cmd.url;
        options.navigate?.(cmd.url);
        break;
      case 'submitForm':
        lastNavigation = cmd.url;
        options.submitForm?.(cmd.url, cmd.fields);
        break;
      case 'verifySignature':
        track(verifySignature(cmd));
        break;
      case 'notify': {
        const { type, ...detail } = cmd.notice;
        events.dispatchEvent(new CustomEvent(type, { detail }));
        break;
      }
    }
  }

  // The core chose the keys and the WebCrypto parameters; this only runs the primitive.
  async function verifySignature({ id, keys, import: importParams, verify, data, signature }) {
    let ok = false;
    let error = null;
    try {
      const subtle = globalThis.crypto?.subtle;
      if (!subtle) throw new Error('this runtime has no WebCrypto (crypto.subtle)');
      const bytes = new TextEncoder().encode(data);
      const sig = new Uint8Array(signature);
      for (const jwk of keys) {
        const key = await subtle.importKey('jwk', jwk, importParams, false, ['verify']);
        if (await subtle.verify(verify, key, sig, bytes)) {
          ok = true;
          break;
        }
      }
    } catch (e) {
      error = `${e?.name ?? 'Error'}: ${e?.message ?? e}`;
    }
    feed({ type: 'signatureChecked', id, ok, error });
  }

  async function send({ id, request, timeoutMs }) {
    const ctl = new AbortController();
    const t = setT(() => ctl.abort(), timeoutMs);
    const sent = now();
    try {
      const res = await doFetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: ctl.signal,
        redirect: 'manual',
        credentials: 'omit',
      });
      const body = await res.text();
      const received = now();
      feed({ type: 'response', id, status: res.status, body, retryAfter: retryAfterSeconds(res.headers.get('retry-after'), received), sent, received });
    } catch {
      feed({ type: 'noResponse', id });
    } finally {
      clearT(t);
    }
  }

  function schedule() {
    if (timer) clearT(timer);
    timer = null;
    const at = core.nextDeadline();
    if (at === undefined || disposed) return;
    // setTimeout's ceiling is 2^31-1 ms; a later deadline is re-armed when this one fires.
    timer = setT(() => feed({ type: 'timer' }), Math.min(Math.max(0, at - now()), 2 ** 31 - 1));
  }

  function settle() {
    for (const w of [...waiters]) {
      const a = core.access(now());
      if (a.status === 'ready') {
        waiters.delete(w);
        w.resolve(a.accessToken);
      } else if (a.status === 'unavailable') {
        waiters.delete(w);
        w.reject(new SessionError(a.cause, `no access token: ${a.cause}`));
      } else if (busy === 0 && core.nextDeadline() === undefined) {
        waiters.delete(w);
        w.reject(new SessionError('no_session', 'no access token and nothing under way to get one'));
      }
    }
    if (busy === 0) for (const r of [...idleWaiters]) { idleWaiters.delete(r); r(); }
  }

  /** Resolves once no store or network operation is outstanding. */
  function settled() {
    return new Promise((resolve) => {
      idleWaiters.add(resolve);
      settle();
    });
  }

  function once(types) {
    return new Promise((resolve) => {
      const handlers = types.map((t) => {
        const h = (e) => {
          handlers.forEach(([tt, hh]) => events.removeEventListener(tt, hh));
          resolve({ type: t, detail: e.detail });
        };
        events.addEventListener(t, h);
        return [t, h];
      });
    });
  }

  const driver = {
    core,
    events,
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
    /** Load the stored session (restore). */
    async start() {
      feed({ type: 'start' });
      await settled();
      // The core says when the store could not be read: restore() fails rather than
      // reporting "no session" for a session it could not see.
      const a = core.access(now());
      if (a.status === 'unavailable' && a.cause === 'storage') throw new SessionError('storage', 'the session store could not be read');
      return driver.view();
    },
    /** Start a login; resolves with the authorization URL the user agent was sent to. */
    async login(loginOptions = {}) {
      const opts = { ...loginOptions };
      if (opts.extra && !Array.isArray(opts.extra)) opts.extra = Object.entries(opts.extra);
      lastNavigation = null;
      const failed = once(['error']);
      feed({ type: 'login', options: opts });
      await Promise.race([settled(), failed]);
      if (lastNavigation === null) {
        const e = await failed;
        throw new SessionError(e.detail.cause, e.detail.message);
      }
      return lastNavigation;
    },
    /** Complete a login from the callback URL; rejects with a typed SessionError. */
    async handleCallback(url) {
      const outcome = once(['loginComplete', 'error']);
      feed({ type: 'callback', url: String(url) });
      const r = await outcome;
      if (r.type === 'error') throw new SessionError(r.detail.cause, r.detail.message);
      await settled();
      return r.detail;
    },
    /** A fresh access token (single-flight; refreshes only when the core says so). */
    getAccessToken({ force = false } = {}) {
      if (disposed) return Promise.reject(new SessionError('no_session', 'the session was disposed'));
      return new Promise((resolve, reject) => {
        waiters.add({ resolve, reject });
        feed({ type: 'ensureFresh', force });
      });
    },
    /** fetch with the Bearer token; on a 401 refreshes once and retries once. */
    fetch: (input, init) => authorizedFetch(driver.getAccessToken, doFetch, input, init),
    /** Log out here and (by default) at the provider; resolves when the requests are done. */
    async logout({ provider = true, revoke = false, uiLocales } = {}) {
      lastNavigation = null;
      feed({ type: 'logout', provider, revoke, uiLocales: uiLocales ?? null });
      await settled();
      return lastNavigation;
    },
    /** Let the core re-check its deadlines now (a page woke up, the network came back). */
    recheck() {
      feed({ type: 'timer' });
    },
    /** User activity, for the idle policy. */
    touch() {
      feed({ type: 'activity' });
    },
    /** A validated back-channel logout (see `validateLogoutToken`). */
    backchannelLogout({ sid = null, sub = null } = {}) {
      feed({ type: 'backchannelLogout', sid, sub });
      return settled();
    },
    view() {
      return core.view(now());
    },
    endSessionUrl() {
      return core.endSessionUrl();
    },
    /** What a login in progress needs across its navigation, without any token (the core's choice). */
    loginCarry() {
      return core.loginCarry() ?? null;
    },
    settled,
    dispose() {
      disposed = true;
      if (timer) clearT(timer);
      unsubscribe?.();
      for (const w of waiters) w.reject(new SessionError('no_session', 'the session was disposed'));
      waiters.clear();
      core.free();
    },
  };
  return driver;
}

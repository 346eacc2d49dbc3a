// tokenward/browser: what a single-page app imports instead of keycloak-js or oidc-client-ts.
// A thin shim over the session driver: storage, cross-tab notification and locks, activity
// and wake-up listeners, navigation. Every decision (when to refresh, what an error means,
// when the idle policy ends the session) is the Rust core's. With the SharedWorker the core
// (and its Wasm) loads in the worker only; otherwise this tab imports it on first use.
import { indexedDbStore } from './browser-idb-store.js';
import { EMPTY_VIEW, workerDriver } from './browser-worker-client.js';
import { createDriver, memoryStore, SESSION_EVENTS, SessionError } from './session-driver.js';

export { SessionError };

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'];
const WAKE = ['visibilitychange', 'pageshow', 'online', 'focus'];
// Activity is reported at most this often (ms): the core only needs to know the user is there.
const ACTIVITY_THROTTLE_MS = 1000;

/** Store writes announced to the other tabs, and compare-and-set taken under a Web Lock. */
function coordinated(store, name, useLocks) {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`tokenward ${name}`) : null;
  const listeners = new Set();
  if (channel) channel.onmessage = async () => {
    // A store that cannot be read now is read again at the next write or call.
    const state = await Promise.resolve().then(() => store.load()).catch(() => undefined);
    if (state !== undefined) for (const l of listeners) l(state);
  };
  const locked = (fn) => (useLocks ? navigator.locks.request(`tokenward ${name}`, fn) : fn());
  return {
    load: () => store.load(),
    // Re-read inside the lock: an adapter without atomic writes gets compare-and-set from it.
    compareAndSet: (expected, state) =>
      locked(async () => {
        const r = await store.compareAndSet(expected, state);
        if (r.ok) channel?.postMessage({ version: state.version });
        return r;
      }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => channel?.close(),
  };
}

// With memory storage a login's PKCE verifier, state and nonce must still survive the
// navigation to the provider and back: they (never tokens) wait in this tab's sessionStorage,
// as keycloak-js and oidc-client-ts keep theirs.
const pendingKey = (name) => `tokenward pending ${name}`;
function takePending(name) {
  try {
    const raw = sessionStorage.getItem(pendingKey(name));
    sessionStorage.removeItem(pendingKey(name));
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}
function keepPending(name, carry) {
  if (carry) sessionStorage.setItem(pendingKey(name), JSON.stringify(carry));
}

/** 'memory', 'indexeddb' or 'adapter'; anything else throws (synchronously, from createSession). */
function storageKind(storage) {
  if (storage === undefined || storage === 'memory') return 'memory';
  if (storage === 'indexeddb') return 'indexeddb';
  if (storage && typeof storage.load === 'function' && typeof storage.compareAndSet === 'function') return 'adapter';
  throw new TypeError(`storage must be 'memory', 'indexeddb' or an object with load() and compareAndSet(); got ${String(storage)}`);
}

function pickStore(kind, storage, name) {
  if (kind === 'memory') return { store: memoryStore(takePending(name)), memory: true };
  return { store: kind === 'indexeddb' ? indexedDbStore(name) : storage, memory: false };
}

function pickCoordination(coordination, kind) {
  const shared = kind !== 'memory';
  const c = coordination ?? 'auto';
  if (!['auto', 'locks', 'none', 'shared-worker'].includes(c)) throw new TypeError(`coordination must be 'auto', 'locks', 'shared-worker' or 'none'; got ${String(c)}`);
  const worker = typeof SharedWorker === 'function';
  const builtIn = kind !== 'adapter';
  const locks = typeof navigator !== 'undefined' && !!navigator.locks;
  if (c === 'shared-worker') {
    if (!worker) throw new TypeError("coordination 'shared-worker' needs SharedWorker, which this browser lacks: use 'locks' with storage 'indexeddb'");
    if (!builtIn) throw new TypeError("coordination 'shared-worker' works with storage 'memory' or 'indexeddb' (an adapter object cannot be sent to the worker): use 'locks'");
    return 'shared-worker';
  }
  if (c === 'locks' && !shared) {
    throw new TypeError("coordination 'locks' needs a store every tab can read (storage 'indexeddb' or an adapter): with storage 'memory' only the SharedWorker shares a session between tabs");
  }
  if (c === 'locks' && !locks) throw new TypeError("coordination 'locks' needs the Web Locks API (navigator.locks)");
  if (c === 'none') return 'none';
  if (c === 'auto' && worker && builtIn) return 'shared-worker';
  if (!shared) return 'none';
  return locks ? 'locks' : 'none';
}

/**
 * Create a session (synchronously; `restore()` / `handleCallback()` are async). Options are the
 * core's (`issuer`, `clientId`, `redirectUri`, `postLogoutRedirectUri`, `scope`, `minValidity`,
 * `idleTimeout`, ...) plus `storage` ('memory' default, 'indexeddb', or an adapter) and
 * `coordination` ('auto' default, 'locks', 'none').
 */
export function createSession(options = {}) {
  const { storage, coordination, ...config } = options;
  const kind = storageKind(storage);
  const name = `${config.issuer} ${config.clientId}`;
  const mode = pickCoordination(coordination, kind);
  const submitForm = (url, fields) => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = url;
    for (const [k, v] of fields) form.append(Object.assign(document.createElement('input'), { type: 'hidden', name: k, value: v }));
    document.body.append(form);
    form.submit();
  };
  const navigate = (url) => location.assign(url);
  let coord = null;
  let driver = null;
  const session = new EventTarget();
  // The Wasm loads in the background (no top-level await, so bundlers' defaults accept this
  // module); every method waits for it. A bad option in the core's configuration rejects them.
  const built = (async () => {
    if (mode === 'shared-worker') {
      // The worker checks the configuration: a bad option rejects every method here.
      driver = workerDriver(name, { userAgent: true, ...config }, kind, { navigate, submitForm, seed: takePending(name) });
      await driver.ready;
    } else {
      const { ready, SessionCore } = await import('./browser-lazy.js');
      await ready;
      const { store, memory } = pickStore(kind, storage, name);
      coord = mode === 'none' ? null : coordinated(store, name, mode === 'locks');
      driver = createDriver(SessionCore, {
        userAgent: true,
        ...config,
        store: coord ?? store,
        navigate: (url) => {
          if (memory) keepPending(name, driver.loginCarry());
          navigate(url);
        },
        submitForm,
      });
    }
    for (const type of SESSION_EVENTS) {
      driver.addEventListener(type, (e) => session.dispatchEvent(new CustomEvent(type, { detail: e.detail })));
    }
    return driver;
  })();
  built.catch(() => {}); // reported by the methods, not as an unhandled rejection
  const later = (fn) => async (...args) => fn(await built, ...args);

  let lastActivity = 0;
  const onActivity = () => {
    const now = Date.now();
    if (now - lastActivity < ACTIVITY_THROTTLE_MS) return;
    lastActivity = now;
    driver?.touch();
  };
  // Timers lie in background tabs and across sleep: re-check whenever the page wakes.
  const onWake = () => {
    if (document.visibilityState !== 'hidden') driver?.recheck();
  };
  if (config.idleTimeout) for (const t of ACTIVITY) addEventListener(t, onActivity, { passive: true, capture: true });
  for (const t of WAKE) addEventListener(t, onWake);

  const view = () => driver?.view() ?? EMPTY_VIEW;

  // defineProperties, not Object.assign: assign would read each getter once and copy its value.
  return Object.defineProperties(session, Object.getOwnPropertyDescriptors({
    coordination: mode,
    /** Resolves once the Wasm is loaded (every method waits for it anyway). */
    ready: built.then(() => undefined),
    restore: later((d) => d.start().then(() => view().authenticated)),
    login: later((d, opts) => d.login(opts)),
    handleCallback: later((d, url = location.href) => d.handleCallback(url)),
    getAccessToken: later((d, opts) => d.getAccessToken(opts)),
    fetch: later((d, input, init) => d.fetch(input, init)),
    logout: later((d, opts) => d.logout(opts)),
    touch: () => void built.then((d) => d.touch(), () => {}),
    endSessionUrl: () => driver?.endSessionUrl(),
    get authenticated() {
      return view().authenticated;
    },
    get claims() {
      return view().claims;
    },
    get idClaims() {
      return view().idClaims;
    },
    get expiresAt() {
      return view().expiresAt;
    },
    get offline() {
      return view().offline;
    },
    // The core read the roles out of the access token (Keycloak's realm_access / resource_access).
    hasRealmRole: (role) => view().realmRoles.includes(role),
    hasResourceRole: (role, client = config.clientId) => (view().resourceRoles[client] ?? []).includes(role),
    dispose() {
      for (const t of ACTIVITY) removeEventListener(t, onActivity, { capture: true });
      for (const t of WAKE) removeEventListener(t, onWake);
      built.then(() => {
        coord?.close();
        driver.dispose();
      }, () => {});
    },
  }));
}

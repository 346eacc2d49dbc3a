// The SharedWorker of tokenward/browser: hosts the session core and holds the tokens, so the
// refresh token never reaches page JavaScript and every tab of the origin shares one state and
// one refresh chain by construction. Tabs talk to it over MessagePorts (browser-worker-client.js).
import { ready, SessionCore } from './browser-lazy.js';
import { indexedDbStore } from './browser-idb-store.js';
import { createDriver, memoryStore, SESSION_EVENTS } from './session-driver.js';

// `onconnect` must be set before anything is awaited, or the first tab's connect event is
// missed: the Wasm loads meanwhile (`ready`), without top-level await.
const sessions = new Map(); // name -> { driver, ports: Set<MessagePort>, navigator, active, last: MessagePort }
// The operations whose navigation belongs to the tab that asked.
const NAVIGATING = new Set(['login', 'logout']);

// What every answer carries to the tabs: the view (the core's never holds the refresh token)
// and the RP-initiated logout URL, which a tab reads synchronously.
function snapshot(driver) {
  return { view: driver.view(), endSessionUrl: driver.endSessionUrl() ?? null };
}

function session(SessionCore, name, config, storage, seed) {
  let s = sessions.get(name);
  if (s) return s;
  const ports = new Set();
  s = { ports, navigator: null, active: null, last: null };
  const store = storage === 'indexeddb' ? indexedDbStore(name) : memoryStore(seed ?? null);
  // Navigation is the tab's: the one whose login() or logout() it is, or (for the idle
  // policy's logout) the one whose user was active last.
  const toTab = (msg) => (s.navigator ?? s.active ?? s.last ?? [...ports][0])?.postMessage(msg);
  s.driver = createDriver(SessionCore, {
    ...config,
    userAgent: true,
    store,
    navigate: (url) => {
      // The login's verifier and state wait in the tab's sessionStorage across the redirect
      // (this worker may end while no tab of the origin is open); never tokens.
      const keep = storage === 'indexeddb' ? null : s.driver.loginCarry();
      toTab({ navigate: url, keep });
    },
    submitForm: (url, fields) => toTab({ submitForm: { url, fields } }),
  });
  const broadcast = (msg) => ports.forEach((p) => p.postMessage(msg));
  for (const type of SESSION_EVENTS) {
    s.driver.addEventListener(type, (e) => broadcast({ event: { type, detail: e.detail }, ...snapshot(s.driver) }));
  }
  sessions.set(name, s);
  return s;
}

const OPS = {
  start: (d) => d.start(),
  login: (d, [opts]) => d.login(opts),
  handleCallback: (d, [url]) => d.handleCallback(url),
  getAccessToken: (d, [opts]) => d.getAccessToken(opts),
  logout: (d, [opts]) => d.logout(opts),
  touch: (d) => d.touch(),
  recheck: (d) => d.recheck(),
  endSessionUrl: (d) => d.endSessionUrl(),
};

onconnect = (e) => {
  const port = e.ports[0];
  let s = null;
  port.onmessage = async ({ data }) => {
    if (data.init) {
      const { name, config, storage, seed } = data.init;
      try {
        await ready;
        s = session(SessionCore, name, config, storage, seed);
      } catch (err) {
        return port.postMessage({ id: data.id, error: { code: err.code ?? 'configuration', message: err.message } });
      }
      s.ports.add(port);
      port.postMessage({ id: data.id, result: null, ...snapshot(s.driver) });
      return;
    }
    if (data.bye || data.away) {
      if (data.bye) s?.ports.delete(port);
      for (const k of ['navigator', 'active', 'last']) if (s?.[k] === port) s[k] = null;
      return;
    }
    const op = OPS[data.op];
    if (!s || !op) return port.postMessage({ id: data.id, error: { code: 'configuration', message: `unknown operation ${data.op}` } });
    s.ports.add(port); // again: a tab back from the back/forward cache
    s.last = port;
    if (data.op === 'touch') s.active = port;
    const navigating = NAVIGATING.has(data.op);
    if (navigating) s.navigator = port;
    try {
      const result = await op(s.driver, data.args ?? []);
      port.postMessage({ id: data.id, result: result ?? null, ...snapshot(s.driver) });
    } catch (err) {
      port.postMessage({ id: data.id, error: { code: err.code ?? 'configuration', message: err.message }, ...snapshot(s.driver) });
    } finally {
      if (navigating && s.navigator === port) s.navigator = null;
    }
  };
};

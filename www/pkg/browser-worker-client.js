// A tab's side of the SharedWorker coordination: the same interface as the session driver,
// every call forwarded to the worker that hosts the core. The tab sees views and access
// tokens, never the refresh token.
import { authorizedFetch, SessionError } from './session-driver.js';

/** What a tab sees before the core answered: no session. */
export const EMPTY_VIEW = Object.freeze({
  authenticated: false, accessToken: null, idToken: null, expiresAt: null, offline: false,
  claims: null, idClaims: null, realmRoles: [], resourceRoles: {},
});

export function workerDriver(name, config, storage, { navigate, submitForm, seed }) {
  // Static options, so bundlers (Vite, webpack) recognise the worker and bundle it; one worker
  // serves every (issuer, client) of the origin, keyed by name inside.
  const worker = new SharedWorker(new URL('./browser-worker.js', import.meta.url), { type: 'module' });
  const port = worker.port;
  const events = new EventTarget();
  const calls = new Map();
  let nextId = 1;
  let view = EMPTY_VIEW;
  let endSessionUrl;
  let broken = null; // the worker could not start: every call fails with this

  const failAll = (err) => {
    for (const c of calls.values()) c.reject(err);
    calls.clear();
  };
  // A worker script that fails to load (a deploy replaced it, a CSP worker-src) would leave
  // every call pending forever.
  worker.onerror = () => {
    broken = new SessionError('configuration', 'the tokenward SharedWorker could not start');
    failAll(broken);
  };

  port.onmessage = ({ data }) => {
    if (data.view) view = data.view;
    if ('endSessionUrl' in data) endSessionUrl = data.endSessionUrl ?? undefined;
    if (data.navigate) {
      if (data.keep) sessionStorage.setItem(`tokenward pending ${name}`, JSON.stringify(data.keep));
      navigate(data.navigate);
    }
    if (data.submitForm) submitForm(data.submitForm.url, data.submitForm.fields);
    if (data.event) events.dispatchEvent(new CustomEvent(data.event.type, { detail: data.event.detail }));
    const call = data.id && calls.get(data.id);
    if (call) {
      calls.delete(data.id);
      if (data.error) call.reject(new SessionError(data.error.code, data.error.message));
      else call.resolve(data.result);
    }
  };
  port.start();
  const send = (msg) =>
    new Promise((resolve, reject) => {
      if (broken) return reject(broken);
      const id = nextId++;
      calls.set(id, { resolve, reject });
      port.postMessage({ id, ...msg });
    });
  const ready = send({ init: { name, config, storage, seed } });
  const call = (op, ...args) => ready.then(() => send({ op, args }));
  const getAccessToken = (opts) => call('getAccessToken', opts);

  // A page going into the back/forward cache stays connected (it may come back and must
  // hear of a logout meanwhile) but is no tab to navigate; one that is unloaded says goodbye.
  const onPageHide = (e) => port.postMessage(e.persisted ? { away: true } : { bye: true });
  addEventListener('pagehide', onPageHide);
  return {
    /** Resolves once the worker has the session (rejects on a bad option). */
    ready,
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
    start: () => call('start'),
    login: (opts) => call('login', opts),
    handleCallback: (url) => call('handleCallback', String(url)),
    getAccessToken,
    fetch: (input, init) => authorizedFetch(getAccessToken, globalThis.fetch.bind(globalThis), input, init),
    logout: (opts) => call('logout', opts),
    touch: () => void call('touch').catch(() => {}),
    recheck: () => void call('recheck').catch(() => {}),
    view: () => view,
    endSessionUrl: () => endSessionUrl,
    dispose: () => {
      removeEventListener('pagehide', onPageHide);
      port.postMessage({ bye: true });
      port.close();
      broken = new SessionError('no_session', 'the session was disposed');
      failAll(broken);
    },
  };
}

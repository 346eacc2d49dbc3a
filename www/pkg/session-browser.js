// tokenward/session for the browser entry: the session driver bound to this runtime's SessionCore.
import { ready, SessionCore } from './browser-lazy.js';
import { createDriver } from './session-driver.js';

export { SessionError, memoryStore } from './session-driver.js';
// Resolves once the Wasm is loaded; createSessionDriver needs it (the browser entry loads lazily,
// without top-level await, so bundlers' default targets accept it).
export { ready };

let loaded = false;
ready.then(() => {
  loaded = true;
});

export function createSessionDriver(options) {
  if (!loaded) throw new TypeError('tokenward/session: await ready before createSessionDriver (the Wasm is still loading)');
  return createDriver(SessionCore, options);
}

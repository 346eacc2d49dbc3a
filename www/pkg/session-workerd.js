// tokenward/session for the workerd entry: the session driver bound to this runtime's SessionCore.
import { ready, SessionCore } from './workerd.js';
import { createDriver } from './session-driver.js';

export { SessionError, memoryStore } from './session-driver.js';
// Resolves once the Wasm is loaded; createSessionDriver needs it (the browser entry loads lazily,
// without top-level await, so bundlers' default targets accept it).
export { ready };

export function createSessionDriver(options) {
  return createDriver(SessionCore, options);
}

// tokenward/session for the node entry: the session driver bound to this runtime's SessionCore.
import { SessionCore } from './node.js';
import { createDriver } from './session-driver.js';

export { SessionError, memoryStore } from './session-driver.js';

export function createSessionDriver(options) {
  return createDriver(SessionCore, options);
}

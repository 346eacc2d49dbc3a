export { SessionError, memoryStore } from './session-node.js';
import type { SessionDriver, SessionDriverOptions } from './session-node.js';
export declare function createDriver(SessionCore: unknown, options: SessionDriverOptions): SessionDriver;
/** The notices the core sends, each a CustomEvent of that type. */
export declare const SESSION_EVENTS: readonly ('tokens' | 'refreshed' | 'loginComplete' | 'expiring' | 'idleWarning' | 'loggedOut' | 'error')[];

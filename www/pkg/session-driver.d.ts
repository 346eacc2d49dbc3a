export { SessionError, memoryStore } from './session-node.js';
import type { SessionDriver, SessionDriverOptions } from './session-node.js';
export declare function createDriver(SessionCore: unknown, options: SessionDriverOptions): SessionDriver;

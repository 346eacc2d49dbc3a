import type { SessionStore } from './session-node.js';
/** The IndexedDB store of tokenward/browser (refresh token encrypted with a non-extractable AES-GCM key). */
export declare function indexedDbStore(name: string): SessionStore;

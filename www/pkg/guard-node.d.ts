export * from './tokenward.js';
export * from './guard-driver.js';
/** Resolves once the Wasm is instantiated (already resolved here). */
export declare const ready: Promise<void>;

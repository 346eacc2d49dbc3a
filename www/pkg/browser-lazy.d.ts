export * from './tokenward.js';
/** Resolves once the Wasm is instantiated; await it before the first call. */
export declare const ready: Promise<void>;

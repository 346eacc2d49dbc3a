export * from './tokenward.js';
/** Resolves once the Wasm is instantiated; no other export may be called before. */
export declare const ready: Promise<void>;

// Types of the runtime entries (node.js, workerd.js, browser.js): the same API as the generated
// module. Its typings (src/wasm/typings.rs) already declare TokenError, which the entries export
// from the JS snippet at run time.
export * from './tokenward.js';
/** Resolves once the Wasm is instantiated. The bundler-friendly browser entries load it lazily:
 * await this before the first call (already resolved in Node, workerd and pkg/browser.js). */
export declare const ready: Promise<void>;

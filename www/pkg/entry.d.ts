// Types of the runtime entries (node.js, workerd.js, browser.js): the same API as the generated
// module. Its typings (src/wasm/typings.rs) already declare TokenError, which the entries export
// from the JS snippet at run time.
export * from './tokenward.js';

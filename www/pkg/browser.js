// Browser entry (also the default): fetch the Wasm beside this file with streaming compilation,
// awaited at module top so importers use the API without calling init() themselves.
import init from './tokenward.js';

await init({ module_or_path: new URL('./tokenward_bg.wasm', import.meta.url) });

export * from './tokenward.js';
// Already instantiated above; `ready` is here so code written for the browser entries' lazy
// loading (`await ready`) runs unchanged.
export const ready = Promise.resolve();
// @tokenward:token-error-export

// workerd (Cloudflare Workers) entry: workerd cannot compile Wasm from bytes at run time, so the
// Wasm is imported as a module (a CompiledWasm module in wrangler or miniflare) and instantiated
// synchronously at module top.
import wasm from './tokenward_bg.wasm';
import { initSync } from './tokenward.js';

initSync({ module: wasm });

export * from './tokenward.js';
// Already instantiated above; `ready` is here so code written for the browser entries' lazy
// loading (`await ready`) runs unchanged.
export const ready = Promise.resolve();
// @tokenward:token-error-export

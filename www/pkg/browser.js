// Browser entry (also the default): fetch the Wasm beside this file with streaming compilation,
// awaited at module top so importers use the API without calling init() themselves.
import init from './tokenward.js';

await init({ module_or_path: new URL('./tokenward_bg.wasm', import.meta.url) });

export * from './tokenward.js';
// @tokenward:token-error-export

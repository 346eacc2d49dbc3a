// Browser entry without top-level await, which bundlers' default targets refuse (Vite:
// "Top-level await is not available in the configured target environment"): the Wasm starts
// loading when this module is imported, and `ready` resolves once the API can be used.
import init from './tokenward.js';

export const ready = init({ module_or_path: new URL('./tokenward_bg.wasm', import.meta.url) }).then(() => undefined);

export * from './tokenward.js';
// @tokenward:token-error-export

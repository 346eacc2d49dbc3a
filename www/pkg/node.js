// Node entry: Node has no fetch of file: URLs, so read the Wasm beside this file and
// instantiate it synchronously; importers then use the API without awaiting init().
import { readFileSync } from 'node:fs';
import { initSync } from './tokenward.js';

initSync({ module: readFileSync(new URL('./tokenward_bg.wasm', import.meta.url)) });

export * from './tokenward.js';
// Already instantiated above; `ready` is here so code written for the browser entries' lazy
// loading (`await ready`) runs unchanged.
export const ready = Promise.resolve();
// @tokenward:token-error-export

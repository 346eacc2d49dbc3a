// tokenward/worker in Node: the Wasm instantiated by node.js, then the guard, beside the whole
// verification API.
export * from './node.js';
export { createGuard } from './guard-driver.js';

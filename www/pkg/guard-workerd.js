// tokenward/worker in workerd (Cloudflare Workers): the Wasm instantiated by workerd.js, then the
// guard, beside the whole verification API.
export * from './workerd.js';
export { createGuard } from './guard-driver.js';

// The same API in every runtime: see inspect-node.d.ts.
export * from './inspect-node.js';

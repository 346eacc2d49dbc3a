export * from './session-node.js';

// Evaluated just before pkg/workerd.js (module evaluation follows import order): start of initSync.
globalThis.__benchMarks = { start: Date.now(), startPerf: performance.now() };

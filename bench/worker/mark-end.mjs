// Evaluated just after pkg/workerd.js has run initSync at its module top.
globalThis.__benchMarks.end = Date.now();
globalThis.__benchMarks.endPerf = performance.now();

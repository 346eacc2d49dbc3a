// Internal module of tokenward/browser (the SharedWorker path); not an entry point.
export {};

// Iteration counts per mode. `quick` only proves the harness runs end to end: its numbers mean nothing.

export const MODES = {
  full: {
    name: 'full',
    tokens: 1000, // distinct tokens per algorithm (cold verify, Zipf population, decode inputs)
    warmTokens: 300, // separate tokens for warm-up, so measured tokens stay cold for any cache
    decodeIterations: 50_000,
    chunk: 1_000, // decode and Zipf are timed in chunks of this many calls, the event loop turning between
    coldChunk: 200, // cold verify: 5 rounds of 200 tokens per implementation
    zipfRequests: 100_000,
    guardZipfRequests: 20_000, // per guard Zipf case (RS256 and ES256; Hono imports the key on every request)
    keysetIterations: 2_000,
    heapIterations: 1_000_000,
    heapSample: 100_000,
    joseHeapIterations: 50_000, // jose's HS256 is async WebCrypto, several times slower per call
    instantiateCopies: 20,
    childStarts: 3,
    capMs: 40_000, // a case stops early (and says so) once its timed chunks pass this
  },
  quick: {
    name: 'quick',
    tokens: 20,
    warmTokens: 5,
    decodeIterations: 2_000,
    chunk: 500,
    coldChunk: 10,
    zipfRequests: 1_000,
    guardZipfRequests: 1_000,
    keysetIterations: 20,
    heapIterations: 1_000,
    heapSample: 250,
    joseHeapIterations: 200,
    instantiateCopies: 2,
    childStarts: 1,
    capMs: 10_000,
  },
};

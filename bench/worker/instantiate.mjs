// Workload 5 in workerd, read from the bench worker: initSync at module top (Date.now() marks
// around pkg/workerd.js), and initSync on fresh copies of the glue within one request. workerd
// compiles the CompiledWasm module when it loads the worker, before either.
const row = (impl, role, us, extra) => ({
  workload: 'instantiate',
  variant: '',
  runtime: 'workerd',
  impl,
  role,
  primary: false,
  usPerOp: us,
  method: 'Date.now() inside the worker (1 ms resolution)',
  ...extra,
});

export async function measureInstantiateWorkerd(worker, mode) {
  const fresh = await worker.send({ op: 'instantiate', count: mode.instantiateCopies });
  return [
    row('tokenward instantiate', 'ours', (fresh.totalMs / fresh.count) * 1000, {
      primary: true,
      notes: `initSync on ${fresh.count} fresh glue copies in one request: ${fresh.totalMs} ms in all`,
    }),
    row('tokenward initSync at module top', 'ours', worker.setup.initSyncMs * 1000, {
      notes: 'Date.now() before/after importing pkg/workerd.js, one reading',
    }),
    row('worker start to first response', 'ours', worker.startupMs * 1000, {
      method: 'wall time in Node: new Miniflare() to the first answered request',
      notes: `${Math.round(worker.startupMs)} ms, includes starting the workerd process and loading the bench worker`,
    }),
    { ...row('jose', 'jose', NaN), na: 'no Wasm to instantiate' },
  ];
}

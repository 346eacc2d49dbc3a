// Runs cases inside the bench worker. Timing is taken in the worker when its clock advances during
// CPU work (checked at setup); otherwise from Node, as the wall time around each dispatchFetch less
// the median wall time of an empty request.
import { median } from '../lib/stats.mjs';

export async function workerDriver(worker, { forceWall = false } = {}) {
  const { send, setup } = worker;
  const inWorker = !forceWall && setup.clock.dateAdvanced > 0 && setup.clock.perfAdvanced > 0;
  let overheadMs = 0;
  if (!inWorker) {
    const empty = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await send({ op: 'ping' });
      empty.push(performance.now() - t0);
    }
    overheadMs = median(empty);
  }
  return {
    runtime: 'workerd',
    method: inWorker
      ? 'performance.now() inside the worker (it advances during CPU work here; 1 ms resolution, so summed over many ops)'
      : `wall time in Node around each dispatchFetch less ${overheadMs.toFixed(2)} ms empty-request overhead (${forceWall ? '--workerd-wall' : 'the worker clock is frozen during CPU work'})`,
    prepare: (c) => send({ op: 'prepare', id: c.id }),
    warm: (c) => send({ op: 'warm', id: c.id }),
    async run(c, start, end) {
      const t0 = performance.now();
      const r = await send({ op: 'run', id: c.id, start, end });
      if (!inWorker) r.ms = Math.max(0, performance.now() - t0 - overheadMs);
      return r;
    },
    release: (c) => send({ op: 'release', id: c.id }),
  };
}

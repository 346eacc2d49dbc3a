// Runs cases in this Node process, timed with performance.now(). Between chunks the event loop
// turns (as between a server's requests), so finalizers of dropped Wasm objects get to run.
import { prepareCase, runRange, warmCase } from '../lib/runner.mjs';

const turn = () => new Promise((resolve) => setImmediate(resolve));

export function nodeDriver({ libs, fixture, mode }) {
  const states = new Map();
  const now = () => performance.now();
  return {
    runtime: 'node',
    method: 'performance.now() in process',
    async prepare(c) {
      if (c.present && !c.present(libs)) return { absent: true };
      const prep = await prepareCase(c, libs, fixture, mode);
      if (prep.state) states.set(c.id, prep.state);
      return prep;
    },
    warm: (c) => warmCase(c, states.get(c.id), now),
    async run(c, start, end) {
      const r = await runRange(c, states.get(c.id), start, end, now);
      await turn();
      return r;
    },
    release(c) {
      const describe = c.describe?.(states.get(c.id));
      states.delete(c.id);
      return { describe };
    },
  };
}

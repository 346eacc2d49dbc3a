// The bench worker. Node (host.mjs) posts JSON commands; timing happens here, with the same runner
// as in Node. The marks around pkg/workerd.js time its module-top initSync.
import './mark-start.mjs';
import '../../pkg/workerd.js';
import './mark-end.mjs';
import wasm from '../../pkg/tokenward_bg.wasm';
import { MODES } from '../lib/modes.mjs';
import { prepareCase, runRange, warmCase } from '../lib/runner.mjs';
import { allCases } from '../workloads/index.mjs';
import { libs } from './libs.mjs';

const now = () => performance.now();
let fx;
let mode;
let cases;
const states = new Map();

/** Does the clock advance during CPU work inside a request? (Spectre mitigations may freeze it.) */
function clockCheck() {
  const d0 = Date.now();
  const p0 = performance.now();
  let spins = 0;
  while (Date.now() - d0 < 20 && spins < 2e8) spins++;
  return { dateAdvanced: Date.now() - d0, perfAdvanced: performance.now() - p0, spins };
}

async function instantiateCopies(count) {
  const copies = [];
  for (let i = 0; i < count; i++) copies.push(await import(`./fresh/${i}/tokenward.js`));
  const t0 = Date.now();
  for (const m of copies) m.initSync({ module: wasm });
  return { count, totalMs: Date.now() - t0 };
}

async function handle(cmd) {
  switch (cmd.op) {
    case 'setup': {
      fx = cmd.fixture;
      mode = MODES[cmd.mode];
      cases = new Map(allCases(mode).map((c) => [c.id, c]));
      const marks = globalThis.__benchMarks;
      return { clock: clockCheck(), initSyncMs: marks.end - marks.start, marks };
    }
    case 'prepare': {
      const c = cases.get(cmd.id);
      if (c.present && !c.present(libs)) return { absent: true };
      const prep = await prepareCase(c, libs, fx, mode);
      if (prep.state) states.set(cmd.id, prep.state);
      return { na: prep.na, error: prep.error };
    }
    case 'warm':
      return warmCase(cases.get(cmd.id), states.get(cmd.id), now);
    case 'run':
      return runRange(cases.get(cmd.id), states.get(cmd.id), cmd.start, cmd.end, now);
    case 'release': {
      const c = cases.get(cmd.id);
      const describe = c?.describe?.(states.get(cmd.id));
      states.delete(cmd.id);
      return { describe };
    }
    case 'ping':
      return {};
    case 'instantiate':
      return instantiateCopies(cmd.count);
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

export default {
  async fetch(request) {
    try {
      return Response.json(await handle(await request.json()));
    } catch (e) {
      return Response.json({ fatal: String(e?.stack ?? e) }, { status: 500 });
    }
  },
};

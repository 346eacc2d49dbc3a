// Command-line options of bench/run.mjs.
import { join } from 'node:path';
import { BENCH } from './paths.mjs';

export const USAGE = `usage: node bench/run.mjs [--quick] [--out FILE] [--only w1,w2] [--no-workerd] [--workerd-wall]
  --quick       tiny iteration counts: proves the harness works; the numbers mean nothing
  --out FILE    where to write the JSON (default bench/results/latest.json)
  --only LIST   workloads to run: decode,cold-verify,zipf,keyset,guard,instantiate,heap,size
  --no-workerd  skip the workerd runs
  --workerd-wall  time workerd cases from Node (wall time around each request less an empty
                request's) instead of inside the worker: the fallback when the worker clock is frozen`;

export const ALL_WORKLOADS = ['decode', 'cold-verify', 'zipf', 'keyset', 'guard', 'instantiate', 'heap', 'size'];

export function parseArgs(argv) {
  const opts = { mode: 'full', out: join(BENCH, 'results', 'latest.json'), only: ALL_WORKLOADS, workerd: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.mode = 'quick';
    else if (a === '--out') opts.out = argv[++i];
    else if (a === '--only') opts.only = argv[++i].split(',');
    else if (a === '--no-workerd') opts.workerd = false;
    else if (a === '--workerd-wall') opts.workerdWall = true;
    else if (a === '--help' || a === '-h') opts.help = true;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  const unknown = opts.only.filter((w) => !ALL_WORKLOADS.includes(w));
  if (unknown.length) throw new Error(`unknown workload(s) ${unknown.join(', ')}\n${USAGE}`);
  return opts;
}

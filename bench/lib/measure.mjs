// Drives one runtime's cases through a driver ({ runtime, method, prepare, warm, run, release }).
// 1. Every case is set up and warmed up (so the engine has tiered up shared code, e.g. the Wasm
//    bignum routines, before anything is timed).
// 2. The cases of one group (same workload and variant: the rows that get compared) are timed
//    round-robin, a chunk of each in turn, so a burst of load from other work on the machine hits
//    them alike. Chunk times are summed; a case stops early once past mode.capMs (and says so).
import { usPerOp } from './stats.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function prepareAll(driver, cases) {
  const slots = [];
  for (const c of cases) {
    const row = {
      workload: c.workload,
      variant: c.variant,
      runtime: driver.runtime,
      impl: c.impl,
      role: c.role,
      primary: c.primary,
    };
    const prep = await driver.prepare(c);
    if (prep.absent) continue;
    if (prep.na || prep.error) slots.push({ row: { ...row, na: prep.na, error: prep.error }, done: true });
    else slots.push({ c, row, warm: await driver.warm(c), ms: 0, ok: 0, n: 0, next: 0, chunks: [] });
  }
  return slots;
}

async function runGroup(driver, slots, mode) {
  let active = slots.filter((s) => !s.done);
  while (active.length) {
    for (const s of active) {
      const end = Math.min(s.c.iterations, s.next + s.c.chunk);
      const r = await driver.run(s.c, s.next, end);
      s.ms += r.ms;
      s.ok += r.ok;
      s.n += r.n;
      s.error ??= r.error;
      s.chunks.push(usPerOp(r.ms, r.n));
      s.next = end;
      if (s.next >= s.c.iterations) s.done = true;
      else if (s.ms > mode.capMs) s.done = s.capped = true;
    }
    active = active.filter((s) => !s.done);
  }
}

function finish(s, method, describe) {
  const row = { ...s.row, n: s.n, planned: s.c.iterations, ok: s.ok, ms: s.ms, usPerOp: usPerOp(s.ms, s.n), method };
  row.chunkUsPerOp = s.chunks;
  if (s.capped) row.capped = true;
  const error = s.warm.error ?? s.error;
  if (error) row.error = error;
  if (describe) row.notes = describe;
  if (s.warm.ok !== s.warm.n) row.warmFailures = s.warm.n - s.warm.ok;
  return row;
}

export async function measureCases(driver, cases, mode, log = () => {}) {
  const slots = await prepareAll(driver, cases);
  await sleep(500); // let background (optimising) compilation finish

  const groups = new Map();
  for (const s of slots) {
    const key = `${s.row.workload}|${s.row.variant}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const group of groups.values()) {
    await runGroup(driver, group, mode);
    for (const s of group) {
      if (!s.c) continue;
      const { describe } = await driver.release(s.c);
      s.row = finish(s, driver.method, describe);
      log(s.row);
    }
  }
  return slots.map((s) => s.row);
}

// Runtime-neutral case runner, used as is in Node and inside the worker. A case's `fn(state, input)`
// returns truthy when the implementation accepted the input (and its result checked out), so an
// implementation that fails fast is counted as failing, not as fast.

const message = (e) => (e && (e.code ? `${e.code}: ${e.message}` : e.message)) || String(e);

/** Set up a case: `{ state }`, or `{ na }` when it does not apply here, or `{ error }`. */
export async function prepareCase(c, libs, fx, mode) {
  const na = c.available ? c.available(libs, fx) : true;
  if (na !== true) return { na: typeof na === 'string' ? na : 'n/a' };
  try {
    return { state: await c.setup(libs, fx, mode) };
  } catch (e) {
    return { error: `setup: ${message(e)}` };
  }
}

/** Run inputs [start, end) (indices wrap around state.inputs) and time them with `now()` (ms). */
export async function runRange(c, state, start, end, now, inputs = state.inputs) {
  const len = inputs.length;
  let ok = 0;
  let error;
  const t0 = now();
  if (c.async) {
    for (let i = start; i < end; i++) {
      try {
        if (await c.fn(state, inputs[i % len])) ok++;
      } catch (e) {
        error ??= message(e);
      }
    }
  } else {
    for (let i = start; i < end; i++) {
      try {
        if (c.fn(state, inputs[i % len])) ok++;
      } catch (e) {
        error ??= message(e);
      }
    }
  }
  const ms = now() - t0;
  return { ms, ok, n: end - start, error };
}

/** Warm up on the case's warm-up inputs (distinct from the measured ones where that matters). */
export function warmCase(c, state, now) {
  const warm = state.warm ?? state.inputs;
  return runRange(c, state, 0, c.warmIterations ?? warm.length, now, warm);
}

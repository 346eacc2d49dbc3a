// The timed workloads that run the same way in Node and in workerd (instantiate, heap and size are
// measured by bench/node/ and bench/worker/ directly).
import * as coldVerify from './cold-verify.mjs';
import * as decode from './decode.mjs';
import * as guard from './guard.mjs';
import * as keyset from './keyset.mjs';
import * as zipf from './zipf.mjs';

export const WORKLOADS = [decode, coldVerify, zipf, keyset, guard];

export function allCases(mode) {
  return WORKLOADS.flatMap((w) => w.cases(mode));
}

// Workload 2: verify + validate distinct tokens (distinct payloads, one key), each seen once.
import { verifierCases } from './verifiers.mjs';

export const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256'];

export const workload = {
  id: 'cold-verify',
  title: 'cold verify + validate, distinct tokens',
  runtimes: ['node', 'workerd'],
};

export function cases(mode) {
  return ALGS.flatMap((alg) =>
    verifierCases({
      workload: workload.id,
      variant: alg,
      alg,
      inputs: (fx) => fx.algs[alg].tokens,
      warm: (fx) => fx.algs[alg].warm,
      iterations: mode.tokens,
      chunk: mode.coldChunk,
    }),
  );
}

// Workload 3: repeated validation. Requests draw from the RS256 token population with a Zipf
// distribution (s = 1.1, fixed seed), as a busy API sees the same few sessions over and over.
import { zipfSequence } from '../lib/zipf.mjs';
import { verifierCases, verifierImpls } from './verifiers.mjs';

export const ZIPF = { s: 1.1, seed: 0x5eed };

export const workload = {
  id: 'zipf',
  title: 'repeated validation, Zipf s=1.1 over the RS256 tokens',
  runtimes: ['node', 'workerd'],
};

export function cases(mode) {
  return verifierCases({
    workload: workload.id,
    variant: 'RS256',
    alg: 'RS256',
    impls: verifierImpls.filter((v) => v.role !== 'peer'),
    inputs(fx) {
      const tokens = fx.algs.RS256.tokens;
      const seq = zipfSequence({ n: tokens.length, count: mode.zipfRequests, ...ZIPF });
      return Array.from(seq, (rank) => tokens[rank]);
    },
    warm: (fx) => fx.algs.RS256.warm,
    iterations: mode.zipfRequests,
    chunk: mode.chunk,
  });
}

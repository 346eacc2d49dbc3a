import { caseBase } from '../lib/cases.mjs';
// Workload 1: decode claims without verifying, cycling over the RS256 tokens.
export const workload = {
  id: 'decode',
  title: 'decode claims (no verification)',
  runtimes: ['node', 'workerd'],
};

const impls = [
  {
    impl: 'tokenward',
    role: 'ours',
    primary: true,
    setup: (libs) => ({ decode: libs.tw.decode }),
    fn: (s, t) => s.decode(t).claims.iss !== undefined,
  },
  {
    // The same with the wasm-side Token freed at once instead of by the finalizer.
    impl: 'tokenward +free()',
    role: 'ours',
    setup: (libs) => ({ decode: libs.tw.decode }),
    fn: (s, t) => {
      const token = s.decode(t);
      const ok = token.claims.iss !== undefined;
      token.free();
      return ok;
    },
  },
  { impl: 'jose', role: 'jose', setup: (libs) => ({ decode: libs.jose.decodeJwt }), fn: (s, t) => s.decode(t).iss !== undefined },
  { impl: 'jwt-decode', role: 'peer', setup: (libs) => ({ decode: libs.jwtDecode }), fn: (s, t) => s.decode(t).iss !== undefined },
];

export function cases(mode) {
  return impls.map((v) => ({
    ...caseBase(workload.id, '', v),
    async: false,
    iterations: mode.decodeIterations,
    chunk: mode.chunk,
    warmIterations: mode.chunk * 5,
    setup(libs, fx) {
      const state = v.setup(libs, fx);
      state.inputs = fx.algs.RS256.tokens;
      state.warm = fx.algs.RS256.warm;
      return state;
    },
    fn: v.fn,
  }));
}

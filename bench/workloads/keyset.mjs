import { caseBase } from '../lib/cases.mjs';
// Workload 4: parse a Keycloak-shaped JWKS (2 RSA-2048 RS256 sig keys, an RSA-OAEP enc key, an
// EC P-256 sig key; kid / use / alg, no x5c) into something that can verify.
export const workload = {
  id: 'keyset',
  title: 'key-set parse, Keycloak-shaped JWKS',
  runtimes: ['node', 'workerd'],
};

const FIRST = { alg: 'RS256', kid: 'rsa-sig-1' };

const impls = [
  {
    // Freed at once: a real key set lives long, the finalizer's cost is not what is measured here.
    impl: 'tokenward',
    role: 'ours',
    primary: true,
    async: false,
    setup: (libs, fx) => ({ KeySet: libs.tw.KeySet, input: fx.keycloakJwks }),
    fn(s) {
      const ks = new s.KeySet(s.input);
      const ok = ks.keys.some((k) => k.kid === FIRST.kid);
      ks.free();
      return ok;
    },
  },
  {
    impl: 'tokenward (JSON text)',
    role: 'ours',
    async: false,
    setup: (libs, fx) => ({ KeySet: libs.tw.KeySet, input: fx.keycloakJwksText }),
    fn(s) {
      const ks = new s.KeySet(s.input);
      const ok = ks.keys.some((k) => k.kid === FIRST.kid);
      ks.free();
      return ok;
    },
  },
  {
    impl: 'jose',
    role: 'jose',
    async: true,
    setup: (libs, fx) => ({ jose: libs.jose, input: fx.keycloakJwks }),
    async fn(s) {
      const getKey = s.jose.createLocalJWKSet(s.input);
      const key = await getKey(FIRST); // the first key import happens here
      return key.type === 'public';
    },
  },
];

export function cases(mode) {
  return impls.map((v) => ({
    ...caseBase(workload.id, '', v),
    async: v.async,
    iterations: mode.keysetIterations,
    chunk: mode.keysetIterations,
    warmIterations: Math.max(5, mode.keysetIterations >> 3),
    setup(libs, fx) {
      const state = v.setup(libs, fx);
      state.inputs = [null];
      return state;
    },
    fn: v.fn,
  }));
}

// The verify implementations compared, one entry each. To add a variant (say a new tokenward API),
// add one entry: { impl, role, async, present?, supports?, setup, fn }.
//   role      'ours' | 'jose' (the ratio's denominator) | 'peer'
//   primary   the default ours row (the issue targets take the best ours row, and name it)
//   present   (libs) => boolean: leave the row out entirely when false (optional APIs)
//   supports  (alg, libs) => true | reason: the row shows "n/a (reason)" otherwise
//   setup     (libs, fx, alg) => state, keys imported / parsed once here
//   fn        (state, token) => truthy when the token was accepted and its iss checked out
//   describe  (state) => note for the table, read after the timed run (optional)

import { caseBase } from '../lib/cases.mjs';

const b64uToBytes = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

function oursKeySet(tw, a, alg, keySetOptions) {
  return alg === 'HS256'
    ? tw.KeySet.fromSecret(b64uToBytes(a.secret), { alg, kid: a.kid, ...keySetOptions })
    : new tw.KeySet({ keys: [a.jwk] }, keySetOptions);
}

function oursState(libs, fx, alg, keySetOptions = {}) {
  const a = fx.algs[alg];
  return {
    tw: libs.tw,
    ks: oursKeySet(libs.tw, a, alg, keySetOptions),
    opts: { issuer: fx.issuer, now: fx.now },
    iss: fx.issuer,
  };
}

/** Does this build's KeySet carry a verified-token cache (on by default, `cacheSize` option)? */
const hasCache = (libs) => 'cacheStats' in libs.tw.KeySet.prototype;

/** The cache counters after the run, for builds that have the cache. */
function cacheNote(s) {
  const st = s.ks.cacheStats;
  return st ? `cache (incl. warm-up): ${st.hits} hits, ${st.misses} misses, ${st.entries}/${st.capacity} entries` : undefined;
}

const WEBCRYPTO_PARAMS = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
  HS256: { name: 'HMAC', hash: 'SHA-256' },
};

export const verifierImpls = [
  {
    impl: 'tokenward',
    role: 'ours',
    primary: true,
    async: false,
    setup: (libs, fx, alg) => oursState(libs, fx, alg),
    fn: (s, t) => s.tw.verify(t, s.ks, s.opts).claims.iss === s.iss,
    describe: cacheNote,
  },
  {
    // The same with the verified-token cache turned off (builds that have one).
    impl: 'tokenward cacheSize:0',
    role: 'ours',
    async: false,
    present: hasCache,
    setup: (libs, fx, alg) => oursState(libs, fx, alg, { cacheSize: 0 }),
    fn: (s, t) => s.tw.verify(t, s.ks, s.opts).claims.iss === s.iss,
  },
  {
    // Planned: WebCrypto-backed async verify. Adjust the call here when its signature lands.
    impl: 'tokenward verifyAsync',
    role: 'ours',
    async: true,
    present: (libs) => typeof libs.tw.verifyAsync === 'function',
    setup: (libs, fx, alg) => oursState(libs, fx, alg),
    fn: async (s, t) => (await s.tw.verifyAsync(t, s.ks, s.opts)).claims.iss === s.iss,
  },
  {
    impl: 'jose',
    role: 'jose',
    async: true,
    async setup(libs, fx, alg) {
      const { jose } = libs;
      const a = fx.algs[alg];
      let key;
      if (alg === 'HS256') {
        key = await jose.importJWK(a.jwk, alg);
      } else {
        key = jose.createLocalJWKSet({ keys: [a.jwk] });
        await key({ alg, kid: a.kid }); // import the key now, not on the first measured token
      }
      return {
        jose,
        key,
        opts: { issuer: fx.issuer, currentDate: new Date(fx.now * 1000), algorithms: [alg] },
        iss: fx.issuer,
      };
    },
    fn: async (s, t) => (await s.jose.jwtVerify(t, s.key, s.opts)).payload.iss === s.iss,
  },
  {
    impl: 'fast-jwt',
    role: 'peer',
    async: false,
    supports: (alg, libs) => (libs.fastJwt ? true : 'Node-only'),
    setup(libs, fx, alg) {
      const a = fx.algs[alg];
      const key = alg === 'HS256' ? Buffer.from(a.secret, 'base64url') : a.pem;
      const verify = libs.fastJwt.createVerifier({
        key,
        cache: false,
        algorithms: [alg],
        allowedIss: fx.issuer,
        clockTimestamp: fx.now * 1000,
      });
      return { verify, iss: fx.issuer };
    },
    fn: (s, t) => s.verify(t).iss === s.iss,
  },
  {
    impl: 'cf-worker-jwt',
    role: 'peer',
    async: true,
    supports: (alg) => (WEBCRYPTO_PARAMS[alg] ? true : `${alg} unsupported`),
    async setup(libs, fx, alg) {
      const params = WEBCRYPTO_PARAMS[alg];
      // A CryptoKey imported once; cf-worker-jwt would otherwise import the JWK on every call.
      const key = await crypto.subtle.importKey('jwk', fx.algs[alg].jwk, params, false, ['verify']);
      return { verify: libs.cfJwt.verify, key, alg, iss: fx.issuer };
    },
    // It checks exp / nbf against the real clock (tokens are valid for a day) but not iss: checked here.
    fn: async (s, t) => (await s.verify(t, s.key, { algorithm: s.alg, throwError: true }))?.payload?.iss === s.iss,
  },
];

/** Cases for one workload from the implementations above. */
export function verifierCases({ workload, variant, alg, impls = verifierImpls, inputs, warm, iterations, chunk }) {
  return impls.map((v) => ({
    ...caseBase(workload, variant, v),
    async: v.async,
    present: v.present,
    available: (libs) => (v.supports ? v.supports(alg, libs) : true),
    iterations,
    chunk,
    async setup(libs, fx, mode) {
      const state = await v.setup(libs, fx, alg);
      state.inputs = inputs(fx, mode);
      state.warm = warm(fx, mode);
      return state;
    },
    fn: v.fn,
    describe: v.describe,
  }));
}

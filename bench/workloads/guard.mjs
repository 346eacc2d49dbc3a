import { caseBase } from '../lib/cases.mjs';
import { zipfSequence } from '../lib/zipf.mjs';
import { ZIPF } from './zipf.mjs';
// The guard workload: the Bearer guard of an API. Each call gets a Request carrying
// `Authorization: Bearer <token>` (a Keycloak-shaped access token, iss and aud checked) and must
// accept it. The JWKS comes from an in-process fetch stub (no network): a Keycloak-shaped key set,
// the RS256 and ES256 signing keys beside an RSA-OAEP encryption key.
//   cold           distinct tokens, each checked once; the JWKS fetched before timing
//   zipf           Zipf s = 1.1 (fixed seed) over those tokens, as a busy API sees its sessions
//   first request  a fresh guard (JWKS object, Hono app) per call: the JWKS fetch from the stub,
//                  its parse and the key import are timed. The nearest the harness comes to a
//                  fresh isolate's first request; a truly fresh isolate (Wasm instantiation) is
//                  the instantiate workload's.
// In Node the guard runs after the other workloads, on an affected V8 without JS-to-Wasm call
// inlining: see bench/node/v8-probe.mjs.
// An implementation entry: { impl, role, primary?, present?, only?, make, describe? }, where
//   make(libs, fx, stub) => (request) => Promise<truthy when accepted>, one guard / app.

export const GUARD_ALGS = ['RS256', 'ES256'];
export const API_URL = 'https://api.example.test/api/orders';

export const workload = {
  id: 'guard',
  title: 'Bearer guard on a Request, JWKS from an in-process fetch stub',
  runtimes: ['node', 'workerd'],
};

/** The JWKS the stub serves. */
export function guardJwks(fx) {
  const enc = fx.keycloakJwks.keys.find((k) => k.use === 'enc');
  return { keys: [fx.algs.RS256.jwk, enc, fx.algs.ES256.jwk] };
}

/** A fetch that answers the fixture's JWKS URI in process (404 otherwise), counting its calls. */
function jwksStub(fx) {
  const body = JSON.stringify(guardJwks(fx));
  const headers = { 'content-type': 'application/json', 'cache-control': 'public, max-age=600' };
  const stub = async (url) => {
    stub.calls++;
    const href = typeof url === 'string' ? url : url instanceof Request ? url.url : String(url);
    if (href !== fx.jwksUri) return new Response('not found', { status: 404 });
    return new Response(body, { status: 200, headers });
  };
  stub.calls = 0;
  return stub;
}

const bearer = (request) => {
  const h = request.headers.get('authorization');
  return h && h.startsWith('Bearer ') ? h.slice(7) : null;
};

const hasGuard = (libs) => typeof libs.twGuard?.createGuard === 'function';
const hasHono = (libs) => typeof libs.hono?.Hono === 'function';

const ourGuard = (libs, fx, stub) =>
  libs.twGuard.createGuard({ issuer: fx.issuer, audience: fx.audience, jwksUri: fx.jwksUri, fetch: stub });

/** A Hono app with `middleware` on /api/* and a route that checks the issuer it was handed. */
function honoApp(libs, fx, middleware, issOf) {
  const app = new libs.hono.Hono();
  app.use('/api/*', middleware);
  app.get('/api/*', (c) => (issOf(c) === fx.issuer ? c.text('ok') : c.text('wrong iss', 500)));
  return app;
}

const honoJwk = (libs, fx, keys) =>
  libs.hono.jwk({ keys, alg: GUARD_ALGS, verification: { iss: fx.issuer, aud: fx.audience } });

export const guardImpls = [
  {
    impl: 'tokenward',
    role: 'ours',
    primary: true,
    present: hasGuard,
    make(libs, fx, stub) {
      const guard = ourGuard(libs, fx, stub);
      return async (request) => {
        const r = await guard.check(request);
        return !(r instanceof Response) && r.claims.iss === fx.issuer;
      };
    },
    describe: 'createGuard({ issuer, audience, jwksUri, fetch }).check(request)',
  },
  {
    impl: 'tokenward guard.hono()',
    role: 'ours',
    present: (libs) => hasGuard(libs) && hasHono(libs),
    make(libs, fx, stub) {
      const app = honoApp(libs, fx, ourGuard(libs, fx, stub).hono(), (c) => c.get('token').claims.iss);
      return async (request) => (await app.fetch(request)).status === 200;
    },
    describe: 'guard.hono() in a Hono app',
  },
  {
    impl: 'jose guard',
    role: 'jose',
    present: (libs) => typeof libs.jose.createRemoteJWKSet === 'function' && !!libs.jose.customFetch,
    make(libs, fx, stub) {
      const { jose } = libs;
      const JWKS = jose.createRemoteJWKSet(new URL(fx.jwksUri), { [jose.customFetch]: stub });
      const opts = { issuer: fx.issuer, audience: fx.audience };
      return async (request) => {
        const token = bearer(request);
        return token !== null && (await jose.jwtVerify(token, JWKS, opts)).payload.iss === fx.issuer;
      };
    },
    describe: 'createRemoteJWKSet(url, { [customFetch] }) + jwtVerify',
  },
  {
    impl: 'hono jwk',
    role: 'peer',
    present: hasHono,
    make(libs, fx) {
      const app = honoApp(libs, fx, honoJwk(libs, fx, guardJwks(fx).keys), (c) => c.get('jwtPayload').iss);
      return async (request) => (await app.fetch(request)).status === 200;
    },
    describe: 'jwk({ keys }), keys inline (its jwks_uri takes no fetch); imports the key on every request',
  },
  {
    // What jwks_uri does on a first request (fetch, parse, find the key), through the stub.
    impl: 'hono jwk keys:fetch',
    role: 'peer',
    present: hasHono,
    only: ['first request'],
    make(libs, fx, stub) {
      const keys = async () => (await (await stub(fx.jwksUri)).json()).keys;
      const app = honoApp(libs, fx, honoJwk(libs, fx, keys), (c) => c.get('jwtPayload').iss);
      return async (request) => (await app.fetch(request)).status === 200;
    },
    describe: 'jwk({ keys: fn }), fn fetching the JWKS per request, as its jwks_uri does',
  },
];

const toRequest = (token) => new Request(API_URL, { headers: { authorization: `Bearer ${token}` } });

export function cases(mode) {
  const variants = [
    ...GUARD_ALGS.map((alg) => ({
      name: `cold ${alg}`,
      kind: 'cold',
      alg,
      iterations: mode.tokens,
      chunk: mode.coldChunk,
      inputs: (fx) => fx.algs[alg].tokens,
    })),
    ...GUARD_ALGS.map((alg) => ({
      name: `zipf ${alg}`,
      kind: 'zipf',
      alg,
      iterations: mode.guardZipfRequests,
      chunk: mode.chunk,
      inputs(fx) {
        const tokens = fx.algs[alg].tokens;
        const seq = zipfSequence({ n: tokens.length, count: mode.guardZipfRequests, ...ZIPF });
        return Array.from(seq, (rank) => tokens[rank]);
      },
    })),
    ...GUARD_ALGS.map((alg) => ({
      name: `first request ${alg}`,
      kind: 'first request',
      alg,
      iterations: mode.tokens,
      chunk: mode.coldChunk,
      inputs: (fx) => fx.algs[alg].tokens,
    })),
  ];
  return variants.flatMap((v) =>
    guardImpls
      .filter((g) => !g.only || g.only.includes(v.kind))
      .map((g) => ({
        ...caseBase(workload.id, v.name, g),
        async: true,
        present: g.present,
        iterations: v.iterations,
        chunk: v.chunk,
        async setup(libs, fx) {
          const stub = jwksStub(fx);
          const make = () => g.make(libs, fx, stub);
          // One Request per distinct token, shared by the Zipf draws (as a runtime hands a handler
          // its Request, none is built in the timed loop).
          const byToken = new Map();
          const req = (t) => byToken.get(t) ?? byToken.set(t, toRequest(t)).get(t);
          const state = { make, stub, inputs: v.inputs(fx).map(req), warm: fx.algs[v.alg].warm.map(req) };
          if (v.kind !== 'first request') {
            state.handle = make();
            // The JWKS fetched (and a key imported) before anything is timed.
            if (!(await state.handle(state.warm[0]))) throw new Error('the first warm-up request was refused');
          }
          return state;
        },
        fn: v.kind === 'first request' ? (s, request) => s.make()(request) : (s, request) => s.handle(request),
        describe: (s) => `${g.describe}; JWKS fetches incl. warm-up: ${s.stub.calls}`,
      })),
  );
}

// esbuild entry for the peers as the worker loads them (bundled to one ES module by host.mjs):
// only what the workloads use. fast-jwt is Node-only and left out.
export { createLocalJWKSet, createRemoteJWKSet, customFetch, decodeJwt, importJWK, jwtVerify } from 'jose';
export { jwtDecode } from 'jwt-decode';
export { verify as cfVerify } from '@tsndr/cloudflare-worker-jwt';
export { Hono } from 'hono';
export { jwk as honoJwk } from 'hono/jwk';

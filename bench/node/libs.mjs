// The implementations as Node loads them (ours from the pkg/ snapshot, see lib/paths.mjs).
import * as cfJwt from '@tsndr/cloudflare-worker-jwt';
import * as fastJwt from 'fast-jwt';
import * as jose from 'jose';
import { jwtDecode } from 'jwt-decode';
import { pkgUrl } from '../lib/paths.mjs';

const tw = await import(pkgUrl('node.js'));
// The guard (tokenward/worker) and Hono: optional, their rows are left out when missing.
const twGuard = await import(pkgUrl('guard-node.js')).catch(() => null);
const hono = await Promise.all([import('hono'), import('hono/jwk')])
  .then(([h, j]) => ({ Hono: h.Hono, jwk: j.jwk }))
  .catch(() => null);

export const libs = { tw, twGuard, jose, jwtDecode, fastJwt, cfJwt, hono };

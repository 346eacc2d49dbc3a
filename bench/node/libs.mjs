// The implementations as Node loads them (ours from the pkg/ snapshot, see lib/paths.mjs).
import * as cfJwt from '@tsndr/cloudflare-worker-jwt';
import * as fastJwt from 'fast-jwt';
import * as jose from 'jose';
import { jwtDecode } from 'jwt-decode';
import { pkgUrl } from '../lib/paths.mjs';

const tw = await import(pkgUrl('node.js'));

export const libs = { tw, jose, jwtDecode, fastJwt, cfJwt };

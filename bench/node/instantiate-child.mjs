// Cold start in a fresh process: time from just before the import of a library to its being usable.
// Prints one JSON line. Argument: 'tokenward' (pkg/node.js: reads, compiles and instantiates the
// Wasm) or 'jose' (plain JS, no Wasm).
import { pkgUrl } from '../lib/paths.mjs';

const which = process.argv[2];
const target = which === 'tokenward' ? pkgUrl('node.js') : 'jose';
const t0 = performance.now();
const lib = await import(target);
const ms = performance.now() - t0;
const usable = which === 'tokenward' ? typeof lib.verify === 'function' : typeof lib.jwtVerify === 'function';
process.stdout.write(`${JSON.stringify({ which, ms, usable })}\n`);

#!/usr/bin/env node
// Builds the npm package in pkg/: cargo (wasm32) -> wasm-bindgen --target web -> wasm-opt -> the
// hand-written runtime entries and package.json from www/pkg/. Rebuilds pkg/ from scratch each
// time, so stale snippets or entries never survive.
//
// Four flavours from one crate, each with the same entries (node, browser, workerd):
//   pkg/        full: decode, verify, explain, every algorithm, the guard, the session
//               (api,guard,signature,session; SHA-2 at full speed for HMAC; opt-level 3)
//   pkg/lite/   no signature crypto (--no-default-features --features api): decode and explain only, a fraction
//               of the size, for pages that never verify (exported as "tokenward/lite")
//   pkg/inspect/  lite plus WebCrypto verifyAsync and the inspector's bindings (--features
//               inspect), for the token inspector page (exported as "tokenward/inspect")
//   pkg/session/  the session machine alone (--features session): SessionCore, no signature
//               crypto (the driver checks ID-token signatures with WebCrypto), for
//               "tokenward/session" and "tokenward/browser"
// The three smaller ones add compact-hash (SHA-2 in its compact form: smaller, slower).
//
// Usage: node scripts/build.mjs
//   Runs `scripts/ensure-tools.sh build` first (no root, no chromium: only ./run test needs it);
//   TOKENWARD_SKIP_ENSURE_TOOLS=1 skips that (./run has already called it).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { capture, run } from './lib/run-cmd.mjs';
import { BROWSER_ENTRIES, formatSize, sizeOf } from './lib/sizes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkgDir = join(root, 'pkg');
const templateDir = join(root, 'www', 'pkg');
const crateName = 'tokenward';

// rustc 1.95 (pinned in rust-toolchain.toml) enables these post-MVP features for
// wasm32-unknown-unknown by default (read from the target_features section of its output);
// wasm-opt must be told, or it rejects the module, e.g. the externref tables wasm-bindgen adds
// when it sees reference-types. Listed explicitly rather than --all-features, so wasm-opt never
// introduces a feature rustc did not already use.
const WASM_FEATURES = [
  'bulk-memory',
  'bulk-memory-opt',
  'call-indirect-overlong',
  'multivalue',
  'mutable-globals',
  'nontrapping-float-to-int',
  'reference-types',
  'sign-ext',
];
// The level comes from the flavour (-Oz for size, -O3 for the full flavour's speed).
const WASM_OPT_FLAGS = [
  ...WASM_FEATURES.map((f) => `--enable-${f}`),
  // Metadata only: names, DWARF, producers and the features list cost bytes and change nothing.
  '--strip-debug',
  '--strip-producers',
  '--strip-target-features',
];

// Replaced in each www/pkg/*.js entry by the export of the TokenError class from its snippet.
const TOKEN_ERROR_MARKER = '// @tokenward:token-error-export';
const TOKEN_ERROR_SNIPPET = 'src/wasm/token_error.js';

const FLAVOURS = [
  // Not cargo's default features: those add the jsonwebtoken adapter, which is Rust-only.
  // Built for speed (Cargo.toml's release-fast profile, wasm-opt -O3); the others for size.
  { dir: pkgDir, noDefaultFeatures: true, features: 'api,guard,signature,session', profile: 'release-fast', opt: '-O3' },
  { dir: join(pkgDir, 'lite'), noDefaultFeatures: true, features: 'api,compact-hash' },
  { dir: join(pkgDir, 'inspect'), noDefaultFeatures: true, features: 'inspect,compact-hash' },
  {
    dir: join(pkgDir, 'session'),
    noDefaultFeatures: true,
    features: 'session,compact-hash',
    pageEntries: BROWSER_ENTRIES,
  },
];

function cargoMetadata() {
  const meta = JSON.parse(capture('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: root }));
  const pkg = meta.packages.find((p) => p.name === crateName);
  return { version: pkg.version, targetDir: meta.target_directory };
}

function cargoBuild({ noDefaultFeatures, features, profile = 'release' }) {
  const args = ['build', '--profile', profile, '--target', 'wasm32-unknown-unknown', '--lib'];
  if (noDefaultFeatures) args.push('--no-default-features');
  if (features) args.push('--features', features);
  run('cargo', args, { cwd: root });
}

function findFiles(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => f.endsWith(suffix));
}

function tokenErrorExport(dir) {
  const found = findFiles(join(dir, 'snippets'), TOKEN_ERROR_SNIPPET);
  if (found.length !== 1) throw new Error(`expected one snippets/*/${TOKEN_ERROR_SNIPPET} in ${dir}, found ${found.length}`);
  return `export { TokenError } from './${relative(dir, found[0])}';`;
}

// Each www/pkg/*.js becomes a pkg/ entry with a .d.ts beside it (its own www/pkg/<name>.d.ts if
// present, else the shared entry.d.ts): a new entry needs only its file here and in package.json.
function writeEntries(dir) {
  const errorExport = tokenErrorExport(dir);
  const sharedTypes = readFileSync(join(templateDir, 'entry.d.ts'), 'utf8');
  for (const file of readdirSync(templateDir).filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(join(templateDir, file), 'utf8');
    writeFileSync(join(dir, file), source.replace(TOKEN_ERROR_MARKER, errorExport));
    const typesFile = file.replace(/\.js$/, '.d.ts');
    const ownTypes = join(templateDir, typesFile);
    writeFileSync(join(dir, typesFile), existsSync(ownTypes) ? readFileSync(ownTypes, 'utf8') : sharedTypes);
  }
}

function exportTargets(exp) {
  if (typeof exp === 'string') return [exp];
  return Object.values(exp).flatMap(exportTargets);
}

function writePackageJson(version) {
  const manifest = JSON.parse(readFileSync(join(templateDir, 'package.json'), 'utf8'));
  manifest.version = version;
  writeFileSync(join(pkgDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // A manifest pointing at a missing file would only fail for users: check here.
  const missing = [...manifest.files, ...exportTargets(manifest.exports)].filter((f) => !existsSync(join(pkgDir, f)));
  // wasm-bindgen's "*" .gitignore files would also hide files from npm pack.
  for (const f of findFiles(pkgDir, '.gitignore')) rmSync(f);
  if (missing.length) throw new Error(`pkg/package.json names missing files: ${missing.join(', ')}`);
}

// What a page loads: the Wasm, the wasm-bindgen glue, the browser entry and the error snippet.
function printSizes({ dir, pageEntries = ['browser.js'] }) {
  const wasm = [join(dir, `${crateName}_bg.wasm`)];
  const js = [join(dir, `${crateName}.js`), ...pageEntries.map((f) => join(dir, f)), ...findFiles(join(dir, 'snippets'), '.js')];
  console.log(`\n${relative(root, dir)}/ as a page loads it`);
  console.log(`  ${crateName}_bg.wasm  ${formatSize(sizeOf(wasm))}`);
  console.log(`  JS (${js.length} files)    ${formatSize(sizeOf(js))}`);
  console.log(`  total             ${formatSize(sizeOf([...wasm, ...js]))}`);
}

// What ships is minified (esbuild transform, file by file: no bundling, so the module graph and
// the relative snippet imports stay as wasm-bindgen wrote them). The .d.ts files carry the docs.
async function minifyJs(dir) {
  const { transform } = await import('esbuild');
  for (const file of findFiles(dir, '.js')) {
    const { code } = await transform(readFileSync(file, 'utf8'), { minify: true, format: 'esm', target: 'es2022' });
    writeFileSync(file, code);
  }
}

// wasm-bindgen declares `[Symbol.dispose](): void` on every class, which fails to type-check
// unless the user's lib includes esnext (Symbol.dispose is not in es2022 or the default lib). The
// glue adds that method only where the runtime has Symbol.dispose, so the typings drop it and keep
// free(); declaring Symbol.dispose globally instead would claim it exists in every runtime and
// change the user's global types. Any declaration left over fails the build, not a user's tsc.
function stripSymbolDispose(dir) {
  const file = join(dir, `${crateName}.d.ts`);
  const types = readFileSync(file, 'utf8').replace(/^[ \t]*\[Symbol\.dispose\]\(\): void;\r?\n/gm, '');
  if (types.includes('Symbol.dispose')) throw new Error(`${relative(root, file)} still mentions Symbol.dispose`);
  writeFileSync(file, types);
}

function buildFlavour(flavour, targetDir) {
  cargoBuild(flavour);
  const wasmIn = join(targetDir, 'wasm32-unknown-unknown', flavour.profile ?? 'release', `${crateName}.wasm`);
  mkdirSync(flavour.dir, { recursive: true });
  run('wasm-bindgen', ['--target', 'web', '--weak-refs', '--out-dir', flavour.dir, '--out-name', crateName, wasmIn]);
  stripSymbolDispose(flavour.dir);
  const wasmOut = join(flavour.dir, `${crateName}_bg.wasm`);
  run(join(root, 'node_modules', '.bin', 'wasm-opt'), [flavour.opt ?? '-Oz', ...WASM_OPT_FLAGS, wasmOut, '-o', wasmOut]);
  writeEntries(flavour.dir);
}

async function main() {
  if (process.env.TOKENWARD_SKIP_ENSURE_TOOLS !== '1') run(join(root, 'scripts', 'ensure-tools.sh'), ['build']);
  const { version, targetDir } = cargoMetadata();
  rmSync(pkgDir, { recursive: true, force: true });
  // Lite first (the order is kept from when all flavours shared target/.../release/; the full
  // flavour now builds into release-fast/).
  for (const flavour of [...FLAVOURS].reverse()) buildFlavour(flavour, targetDir);
  await minifyJs(pkgDir);
  writePackageJson(version);
  for (const flavour of FLAVOURS) printSizes(flavour);
}

try {
  await main();
} catch (err) {
  console.error(`build failed: ${err.message}`);
  process.exit(1);
}

#!/usr/bin/env node
// Builds the npm package in pkg/: cargo (wasm32) -> wasm-bindgen --target web -> wasm-opt -> the
// hand-written runtime entries and package.json from www/pkg/. Rebuilds pkg/ from scratch each
// time, so stale snippets or entries never survive.
//
// Usage: node scripts/build.mjs [--no-default-features] [--features=a,b]
//   or env TOKENWARD_NO_DEFAULT_FEATURES=1, TOKENWARD_FEATURES=a,b (e.g. a build without signature crypto)
//   TOKENWARD_SKIP_ENSURE_TOOLS=1 skips scripts/ensure-tools.sh (./run has already called it).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { capture, run } from './lib/run-cmd.mjs';
import { formatSize, sizeOf } from './lib/sizes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkgDir = join(root, 'pkg');
const templateDir = join(root, 'www', 'pkg');
const crateName = 'tokenward';

// rustc 1.95 enables these post-MVP features for wasm32-unknown-unknown by default (read from the
// target_features section of its output); wasm-opt must be told, or it rejects the module, e.g.
// the externref tables wasm-bindgen adds when it sees reference-types. Listed explicitly rather
// than --all-features, so wasm-opt never introduces a feature rustc did not already use.
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
const WASM_OPT_FLAGS = [
  '-Oz',
  ...WASM_FEATURES.map((f) => `--enable-${f}`),
  // Metadata only: names, DWARF, producers and the features list cost bytes and change nothing.
  '--strip-debug',
  '--strip-producers',
  '--strip-target-features',
];

// Replaced in each www/pkg/*.js entry by the export of the TokenError class from its snippet.
const TOKEN_ERROR_MARKER = '// @tokenward:token-error-export';
const TOKEN_ERROR_SNIPPET = 'src/wasm/token_error.js';

function options() {
  const args = process.argv.slice(2);
  const featuresArg = args.find((a) => a.startsWith('--features='));
  return {
    noDefaultFeatures:
      args.includes('--no-default-features') || process.env.TOKENWARD_NO_DEFAULT_FEATURES === '1',
    features: featuresArg ? featuresArg.slice('--features='.length) : process.env.TOKENWARD_FEATURES ?? '',
  };
}

function cargoMetadata() {
  const meta = JSON.parse(capture('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: root }));
  const pkg = meta.packages.find((p) => p.name === crateName);
  return { version: pkg.version, targetDir: meta.target_directory };
}

function cargoBuild({ noDefaultFeatures, features }) {
  const args = ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib'];
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

function tokenErrorExport() {
  const found = findFiles(join(pkgDir, 'snippets'), TOKEN_ERROR_SNIPPET);
  if (found.length > 1) throw new Error(`several TokenError snippets: ${found.join(', ')}`);
  if (found.length === 0) {
    console.warn(`warning: no snippets/*/${TOKEN_ERROR_SNIPPET} in pkg/: entries will not export TokenError`);
    return '// TokenError: this build has no snippet src/wasm/token_error.js';
  }
  return `export { TokenError } from './${relative(pkgDir, found[0])}';`;
}

// Each www/pkg/*.js becomes a pkg/ entry with a .d.ts beside it (its own www/pkg/<name>.d.ts if
// present, else the shared entry.d.ts): a new entry needs only its file here and in package.json.
function writeEntries() {
  const errorExport = tokenErrorExport();
  const sharedTypes = readFileSync(join(templateDir, 'entry.d.ts'), 'utf8');
  for (const file of readdirSync(templateDir).filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(join(templateDir, file), 'utf8');
    writeFileSync(join(pkgDir, file), source.replace(TOKEN_ERROR_MARKER, errorExport));
    const typesFile = file.replace(/\.js$/, '.d.ts');
    const ownTypes = join(templateDir, typesFile);
    writeFileSync(join(pkgDir, typesFile), existsSync(ownTypes) ? readFileSync(ownTypes, 'utf8') : sharedTypes);
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
  if (missing.length) throw new Error(`pkg/package.json names missing files: ${missing.join(', ')}`);
}

function printSizes() {
  const wasm = [join(pkgDir, `${crateName}_bg.wasm`)];
  const js = findFiles(pkgDir, '.js');
  console.log('\npkg/ sizes');
  console.log(`  ${crateName}_bg.wasm  ${formatSize(sizeOf(wasm))}`);
  console.log(`  JS (${js.length} files)    ${formatSize(sizeOf(js))}`);
  console.log(`  total             ${formatSize(sizeOf([...wasm, ...js]))}`);
}

function main() {
  const opts = options();
  if (process.env.TOKENWARD_SKIP_ENSURE_TOOLS !== '1') run(join(root, 'scripts', 'ensure-tools.sh'), []);
  const { version, targetDir } = cargoMetadata();
  cargoBuild(opts);
  const wasmIn = join(targetDir, 'wasm32-unknown-unknown', 'release', `${crateName}.wasm`);

  rmSync(pkgDir, { recursive: true, force: true });
  mkdirSync(pkgDir);
  run('wasm-bindgen', ['--target', 'web', '--weak-refs', '--out-dir', pkgDir, '--out-name', crateName, wasmIn]);
  // wasm-bindgen's "*" .gitignore would also hide files from npm pack; the root .gitignore covers pkg/.
  rmSync(join(pkgDir, '.gitignore'), { force: true });

  const wasmOut = join(pkgDir, `${crateName}_bg.wasm`);
  run(join(root, 'node_modules', '.bin', 'wasm-opt'), [...WASM_OPT_FLAGS, wasmOut, '-o', wasmOut]);

  writeEntries();
  writePackageJson(version);
  printSizes();
}

try {
  main();
} catch (err) {
  console.error(`build failed: ${err.message}`);
  process.exit(1);
}

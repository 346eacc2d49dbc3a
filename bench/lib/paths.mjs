// Repository paths used by the Node side of the harness. The package is read from a snapshot of
// pkg/ taken at start (others may rebuild pkg/ mid-run): $TOKENWARD_BENCH_PKG, set by run.mjs and
// inherited by its child processes.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH = join(ROOT, 'bench');
export const REPO_PKG = join(ROOT, 'pkg');

export const pkgDir = () => process.env.TOKENWARD_BENCH_PKG || REPO_PKG;
export const pkgFile = (name) => join(pkgDir(), name);
export const pkgUrl = (name) => pathToFileURL(pkgFile(name)).href;

/** wasm-bindgen snippet modules, relative to the package (their folder name carries a build hash). */
export function snippetFiles(sub = '') {
  const dir = pkgFile(join(sub, 'snippets'));
  return existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .filter((f) => f.endsWith('.js'))
        .map((f) => join(sub, 'snippets', f))
    : [];
}

const REQUIRED = ['node.js', 'workerd.js', 'browser.js', 'tokenward.js', 'tokenward_bg.wasm'];

/** The first missing file of a package directory, or null when it is complete. */
function missing(dir) {
  for (const f of REQUIRED) if (!existsSync(join(dir, f))) return f;
  const glue = readFileSync(join(dir, 'tokenward.js'), 'utf8');
  for (const [, rel] of glue.matchAll(/from '\.\/(snippets\/[^']+)'/g)) if (!existsSync(join(dir, rel))) return rel;
  return null;
}

const stamp = () => REQUIRED.map((f) => statSync(join(REPO_PKG, f)).mtimeMs).join();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait (up to waitMs) until pkg/ is complete and unchanged for 2 s: someone may be rebuilding it. */
async function waitForPkg(waitMs, log) {
  const deadline = Date.now() + waitMs;
  let said = false;
  for (;;) {
    const gone = missing(REPO_PKG);
    if (!gone) {
      const before = stamp();
      await sleep(2000);
      if (!missing(REPO_PKG) && stamp() === before) return;
    } else if (Date.now() > deadline) {
      throw new Error(`pkg/${gone} is missing: build first (TOKENWARD_SKIP_ENSURE_TOOLS=1 node scripts/build.mjs)`);
    } else {
      if (!said) log(`pkg/${gone} is missing (a build in progress?): waiting up to ${waitMs / 1000} s`);
      said = true;
      await sleep(2000);
    }
  }
}

/** Copy pkg/ aside and point pkgDir() at the copy; returns a function that removes it. */
export async function snapshotPkg({ waitMs = 0, log = () => {} } = {}) {
  await waitForPkg(waitMs, log);
  const dir = join(mkdtempSync(join(tmpdir(), 'tokenward-bench-')), 'pkg');
  cpSync(REPO_PKG, dir, { recursive: true });
  const gone = missing(dir);
  if (gone) throw new Error(`pkg/${gone} vanished while copying pkg/ (a build in progress?): try again`);
  process.env.TOKENWARD_BENCH_PKG = dir;
  return () => rmSync(join(dir, '..'), { recursive: true, force: true });
}

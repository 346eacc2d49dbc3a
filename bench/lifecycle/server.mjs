// The static server for the three apps, with a log of the paths the browser asked for: what a
// library loads (its SharedWorker's script too, which the page's network events do not show) is
// read from this log, then gzipped from disk.
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createStaticServer, listen } from '../../scripts/lib/static-server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APPS = fileURLToPath(new URL('./apps/', import.meta.url));
const LIBRARY_CODE = /\.(m?js|wasm)$/;

/** config() is read per request: the provider (and so the issuer) starts after the server. */
export async function startAppServer({ pkgDir, config }) {
  const mounts = [
    { prefix: '/pkg/', dir: pkgDir },
    // Only the three packages the apps import, not all of node_modules.
    ...['keycloak-js', 'oidc-client-ts', 'jwt-decode'].map((name) => ({
      prefix: `/node_modules/${name}/`,
      dir: join(ROOT, 'node_modules', name),
    })),
    { prefix: '/apps/', dir: APPS },
  ];
  const server = createStaticServer({
    mounts,
    routes: {
      '/config.json': (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(config()));
      },
    },
  });
  const seen = new Set();
  server.prependListener('request', (req) => seen.add(new URL(req.url, 'http://x').pathname));
  const base = await listen(server, 0);

  // Same longest-prefix rule as the server.
  const ordered = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  const fileOf = (path) => {
    const m = ordered.find(({ prefix }) => path.startsWith(prefix));
    return m && normalize(join(m.dir, decodeURIComponent(path.slice(m.prefix.length))));
  };

  return {
    base,
    /** Forget what was loaded so far (call before each library). */
    resetLoaded: () => seen.clear(),
    /** Library JS and Wasm loaded since the reset (the apps' own files are not counted), each
     * file once however many tabs loaded it, gzip -9 per file as a server would send it. */
    loaded() {
      const files = [...seen]
        .filter((p) => LIBRARY_CODE.test(p) && !p.startsWith('/apps/'))
        .sort()
        .map((path) => {
          const body = readFileSync(fileOf(path));
          return { path, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
        });
      return { files, raw: files.reduce((s, f) => s + f.raw, 0), gzip: files.reduce((s, f) => s + f.gzip, 0) };
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

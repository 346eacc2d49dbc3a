// A minimal static file server on node:http, shared by the demo and the browser tests: URL prefixes
// map to directories, and exact paths can be answered by handlers (generated JSON, APIs).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

// application/wasm lets browsers compile while downloading (instantiateStreaming requires it).
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// Resolves a request path under dir, or null if it would escape it.
function resolveUnder(dir, rest) {
  const file = normalize(join(dir, decodeURIComponent(rest)));
  return file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? file : null;
}

async function serveFile(res, file, method) {
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return false;
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    // The demo and tests rebuild pkg/ under a running server: never serve a stale copy.
    'cache-control': 'no-store',
  });
  if (method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}

/**
 * @param {{ mounts: {prefix: string, dir: string}[], routes?: Record<string, (req, res) => void> }} config
 * Longer prefixes win, so '/pkg/' can sit beside '/'.
 */
export function createStaticServer({ mounts, routes = {} }) {
  const ordered = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  return createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url, 'http://localhost');
      if (routes[pathname]) return routes[pathname](req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      // Only the longest matching mount answers: /pkg/x never falls through to www/pkg/x.
      const mount = ordered.find(({ prefix }) => pathname.startsWith(prefix));
      if (mount) {
        const file = resolveUnder(normalize(mount.dir), pathname.slice(mount.prefix.length));
        if (file && (await serveFile(res, file, req.method))) return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${pathname}\n`);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error: ${err.message}\n`);
    }
  });
}

/** Listens on host:port (0 picks a free port) and resolves to the base URL. */
export function listen(server, port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(`http://${host}:${server.address().port}`);
    });
  });
}

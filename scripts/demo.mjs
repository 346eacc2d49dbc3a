#!/usr/bin/env node
// The demo: a list of services started together and stopped together on Ctrl-C. Today a static
// web server (www/ at /, pkg/ at /pkg/) and the Keycloak-shaped test provider (tests/provider/)
// that www/session/ logs in with; the SPA, inspector and edge worker join SERVICES.
// Run through `./run demo`, which installs tools and builds pkg/ first.
//   PORT           the web server's port (default 8080; 0 picks free ports, as the tests do)
//   PROVIDER_PORT  the provider's port (default 8180)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startProvider } from '../tests/provider/index.mjs';
import { accountLines } from '../tests/provider/summary.mjs';
import { createStaticServer, listen } from './lib/static-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const host = '127.0.0.1';
const basePort = Number(process.env.PORT ?? 8080);
// Not PORT + n: the issuer is in every token and in any config copied from the demo, so it stays
// http://127.0.0.1:8180/realms/demo whichever services run.
const providerPort = Number(process.env.PROVIDER_PORT ?? 8180);

// The web pages that log in with the provider, registered as its redirect and post-logout URIs.
const LOGIN_PAGES = ['/', '/session/'];

// Filled in as services start (in list order): the provider needs the web origin for its redirect
// URIs (known only after listening when PORT=0), the session page needs the issuer.
const shared = { webPort: undefined, issuer: undefined };

const sendJson = (res, status, body) =>
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));

/**
 * Each service: { name, port?, start({ host, port }) -> Promise<{ urls: string[], details?: string[], stop(): Promise<void> }> }.
 * Without a fixed `port`, ports are handed out from PORT upwards in list order, so adding a
 * service moves no existing URL.
 */
const SERVICES = [
  {
    name: 'web',
    async start({ host, port }) {
      const server = createStaticServer({
        mounts: [
          { prefix: '/pkg/', dir: `${root}pkg` },
          { prefix: '/', dir: `${root}www` },
        ],
        routes: {
          // The session page reads the issuer here rather than hardcoding the provider's port.
          '/session/config.json': (req, res) =>
            shared.issuer ? sendJson(res, 200, { issuer: shared.issuer }) : sendJson(res, 503, { error: 'provider not started' }),
        },
      });
      const base = await listen(server, port, host);
      shared.webPort = server.address().port;
      return {
        urls: [
          `${base}/  (paste a token, see decode())`,
          `${base}/session/  (the demo SPA: log in with the provider, tokenward/browser)`,
          `${base}/inspect/  (token inspector: claims, checks, keys, compare; tokenward/inspect)`,
        ],
        // Ctrl-C drops open connections too: a browser's keep-alive or in-flight request would
        // otherwise hold the server (and the demo) open.
        stop: () =>
          new Promise((resolve) => {
            server.close(resolve);
            server.closeAllConnections();
          }),
      };
    },
  },
  {
    name: 'provider',
    port: providerPort,
    async start({ port }) {
      // Both spellings of the web origin: a browser keeps whichever one the user opened.
      const pages = ['127.0.0.1', 'localhost'].flatMap((h) => LOGIN_PAGES.map((p) => `http://${h}:${shared.webPort}${p}`));
      const provider = await startProvider({ port, redirectUris: pages, postLogoutRedirectUris: pages });
      shared.issuer = provider.issuer;
      return {
        urls: [`${provider.issuer}  (issuer)`, `${provider.issuer}/.well-known/openid-configuration  (discovery)`],
        details: accountLines(provider),
        stop: () => provider.stop(),
      };
    },
  },
];

async function main() {
  if (!existsSync(`${root}pkg/browser.js`)) {
    console.error('pkg/ is not built: run ./run demo (or npm run build first)');
    process.exit(1);
  }
  const running = [];
  const stopAll = async (code) => {
    await Promise.allSettled(running.map((s) => s.stop()));
    process.exit(code);
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  for (const [i, service] of SERVICES.entries()) {
    // PORT=0: every service picks a free port of its own.
    const port = service.port ?? (basePort === 0 ? 0 : basePort + i);
    try {
      const started = await service.start({ host, port });
      running.push(started);
      for (const url of started.urls) console.log(`${service.name.padEnd(10)} ${url}`);
      for (const line of started.details ?? []) console.log(`${''.padEnd(10)} ${line}`);
    } catch (err) {
      const hint = err.code === 'EADDRINUSE' ? ' (set PORT / PROVIDER_PORT to use other ports)' : '';
      console.error(`${service.name}: ${err.message}${hint}`);
      await stopAll(1);
    }
  }
  console.log('Ctrl-C stops the demo.');
}

await main();

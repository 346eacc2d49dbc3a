#!/usr/bin/env node
// The demo: a list of services started together and stopped together on Ctrl-C. Today one static
// web server (www/ at /, pkg/ at /pkg/); the provider, SPA, inspector and edge worker join SERVICES.
// Run through `./run demo`, which installs tools and builds pkg/ first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createStaticServer, listen } from './lib/static-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const host = '127.0.0.1';
const basePort = Number(process.env.PORT ?? 8080);

/**
 * Each service: { name, start({ host, port }) -> Promise<{ urls: string[], stop(): Promise<void> }> }.
 * Ports are handed out from PORT upwards in list order, so adding a service moves no existing URL.
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
      });
      const base = await listen(server, port, host);
      return {
        urls: [`${base}/  (paste a token, see decode())`],
        stop: () => new Promise((resolve) => server.close(resolve)),
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
    try {
      const started = await service.start({ host, port: basePort + i });
      running.push(started);
      for (const url of started.urls) console.log(`${service.name.padEnd(10)} ${url}`);
    } catch (err) {
      console.error(`${service.name}: ${err.message}`);
      await stopAll(1);
    }
  }
  console.log('Ctrl-C stops the demo.');
}

await main();

#!/usr/bin/env node
// Runs the Keycloak-shaped test provider for the demo and manual checks:
//   node tests/provider/serve.mjs [--port 8180]
// Prints the issuer, the clients and the demo users (fixed test credentials, no tokens); stops on
// SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startProvider } from './index.mjs';
import { summaryLines } from './summary.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8180' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve.mjs: --port must be a port number, got "${values.port}"`);
  process.exit(2);
}

let provider;
try {
  provider = await startProvider({ port });
} catch (err) {
  console.error(`serve.mjs: cannot start on port ${port}: ${err.message}`);
  process.exit(1);
}

for (const line of summaryLines(provider)) console.log(line);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await provider.stop();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// The inspector page: wires inputs to tokenward/inspect and renders what it returns. It decides
// nothing (the core does); it reads the form, fetches only when a button asks, stores nothing.
import * as inspector from '/pkg/inspect/inspect-browser.js';
import * as render from './render.js';
import { frameFetch } from './frame-fetch.js';

const $ = (id) => document.getElementById(id);
const policyOut = $('policy');

// The Wasm is loaded (the import above awaited it): from now on this document may connect nowhere.
// A second policy can only narrow the first, so 'self' is gone for good.
const lock = document.createElement('meta');
lock.httpEquiv = 'Content-Security-Policy';
lock.content = "connect-src 'none'";
document.head.append(lock);
const showPolicy = (origin) => {
  policyOut.value = origin ? `none here; ${origin} from the key fetcher frame, for this request only` : "none (connect-src 'none')";
};
showPolicy(null);

const fetchInFrame = frameFetch(inspector.originOf, showPolicy);
const fetchOptions = { fetch: fetchInFrame, pageOrigin: location.origin };
let loadedKeys = null;
let current = null;

function options() {
  const list = (v) => v.split(/[\s,]+/).filter(Boolean);
  const opts = {};
  const issuer = $('opt-issuer').value.trim();
  const audience = list($('opt-audience').value);
  const azp = $('opt-azp').value.trim();
  const algorithms = list($('opt-algorithms').value);
  const tolerance = $('opt-tolerance').value.trim();
  if (issuer) opts.issuer = issuer;
  if (audience.length) opts.audience = audience;
  if (azp) opts.azp = azp;
  if ($('opt-kind').value) opts.kind = $('opt-kind').value;
  if (algorithms.length) opts.algorithms = algorithms;
  if (tolerance) opts.clockTolerance = Number(tolerance);
  return opts;
}

const status = (text) => ($('status').textContent = text);

async function run() {
  const results = $('results');
  let result;
  try {
    result = inspector.inspect($('token').value);
  } catch (err) {
    results.replaceChildren(render.problem(`${err.code ?? 'error'}: ${err.message}`));
    return;
  }
  current = result;
  results.replaceChildren(...render.inspection(result));
  status(`${result.tokens.length} token(s)`);
  await Promise.all(result.tokens.map(async (t, i) => {
    if (t.error) return;
    const slot = results.querySelector(`[data-report="${i}"]`);
    try {
      slot.replaceChildren(render.checks(await inspector.explain(t.token, loadedKeys, options())));
    } catch (err) {
      slot.replaceChildren(render.problem(`${err.code ?? 'error'}: ${err.message}`));
    }
  }));
  const second = $('token-b').value.trim();
  const first = result.tokens.find((t) => !t.error);
  if (second && first) {
    try {
      results.append(render.comparison(inspector.compare(first.token, second)));
    } catch (err) {
      results.append(render.problem(`second token: ${err.message}`));
    }
  }
}

function useKeys(loaded, source) {
  loadedKeys = loaded;
  $('keys').replaceChildren(render.keys(loaded, source));
  if (current) run();
}

async function withKeys(action) {
  try {
    const loaded = await action();
    useKeys(loaded, loaded.url ?? 'the pasted JWKS');
  } catch (err) {
    $('keys').replaceChildren(render.problem(err.message));
  }
}

$('inspect').addEventListener('click', run);
$('token').addEventListener('keydown', (e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && run());
$('use-jwks').addEventListener('click', () => withKeys(async () => inspector.loadKeys($('jwks').value)));
$('fetch-jwks').addEventListener('click', () => withKeys(() => inspector.fetchJwks($('jwks-url').value, fetchOptions)));
$('discover').addEventListener('click', () => withKeys(() => {
  const tokenIss = current?.tokens.find((t) => t.issuer)?.issuer;
  const issuer = $('discovery-issuer').value.trim() || $('opt-issuer').value.trim() || tokenIss || '';
  return inspector.discover(issuer, fetchOptions);
}));
for (const id of ['opt-issuer', 'opt-audience', 'opt-azp', 'opt-kind', 'opt-algorithms', 'opt-tolerance']) {
  $(id).addEventListener('change', () => current && run());
}

// The live countdowns: the core phrases each one again every second.
setInterval(() => {
  const now = Math.floor(Date.now() / 1000);
  for (const cell of document.querySelectorAll('.countdown')) {
    cell.textContent = inspector.describeTime(cell.dataset.claim, Number(cell.dataset.at), now);
  }
}, 1000);

document.documentElement.dataset.ready = 'true';

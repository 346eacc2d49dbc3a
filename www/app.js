// Decode page: loads the package's browser entry, runs decode() on the pasted token and shows
// header, claims and kind as JSON, or the TokenError code and message.
import { decode, TokenError } from '/pkg/browser.js';
import { sampleToken } from '/sample-token.js';

const $ = (id) => document.getElementById(id);

function show(text, isError = false) {
  $('output').textContent = text;
  $('output').classList.toggle('error', isError);
}

function run() {
  const token = $('token').value.trim();
  if (!token) return show('');
  try {
    const t = decode(token);
    show(JSON.stringify({ header: t.header, claims: t.claims, kind: t.kind }, null, 2));
  } catch (err) {
    const code = err instanceof TokenError ? err.code : err.name;
    show(`${code}: ${err.message}`, true);
  }
}

$('decode').addEventListener('click', run);
$('token').addEventListener('input', run);
$('sample').addEventListener('click', async () => {
  $('token').value = await sampleToken();
  run();
});
$('status').textContent = 'Wasm loaded';

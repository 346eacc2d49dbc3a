// tokenward/inspect: the API behind www/inspect/, for devtools extensions and test helpers that
// embed the same view. It displays, fetches and nothing more: what pasted text is, what claims
// mean, notes and warnings, checks, comparisons and what a failed fetch means all come from the
// Rust core (src/inspect/). Given a loaded tokenward module (normally tokenward/lite).

/** A key fetch that failed; `message` is the core's explanation, `step` its FetchStep if any. */
export class InspectError extends Error {
  constructor(message, step) {
    super(message);
    this.name = 'InspectError';
    this.step = step ?? null;
  }
}

export function createInspector(tw) {
  const parseJson = (text) => (text == null ? null : JSON.parse(text));

  function inspect(text, { now } = {}) {
    const result = tw.inspectText(text, now);
    // The core hands the JSON text as the token carries it (member order kept); parse it once here.
    for (const t of result.tokens) {
      t.header = parseJson(t.header_json);
      t.claims = parseJson(t.claims_json);
    }
    return result;
  }

  /** A JWKS (text or object) or one JWK: the KeySet, its keys, refused keys and notes. */
  function loadKeys(jwks) {
    // No verified-token cache: every explain here must show the signature check itself.
    const keySet = new tw.KeySet(jwks, { cacheSize: 0 });
    return { keySet, keys: keySet.keys, rejected: keySet.rejected, notes: tw.keySetNotes(keySet) };
  }

  /** Every check (signature through WebCrypto), with a one-sentence summary. */
  function explain(token, keys, options = {}) {
    return tw.explainAsync(token, keys?.keySet ?? keys ?? null, options);
  }

  async function get(fetchFn, url, pageOrigin) {
    let res;
    try {
      // Keys are public: no cookies or credentials go with the request.
      res = await fetchFn(url, { credentials: 'omit', cache: 'no-store' });
    } catch {
      const step = tw.fetchFailure(url, pageOrigin);
      throw new InspectError(step.message, step);
    }
    return { status: res.status, body: await res.text() };
  }

  function options(opts) {
    return {
      fetch: opts.fetch ?? globalThis.fetch,
      pageOrigin: opts.pageOrigin ?? globalThis.location?.origin ?? 'this page',
    };
  }

  function requested(what, url) {
    const step = tw.fetchRequest(what, url);
    if (!step.ok) throw new InspectError(step.message, step);
    return step;
  }

  /** Fetch a JWKS from `url` and load it. Throws InspectError with the core's explanation. */
  async function fetchJwks(url, opts = {}) {
    const { fetch: fetchFn, pageOrigin } = options(opts);
    const request = requested('jwks', url);
    const answer = await get(fetchFn, request.url, pageOrigin);
    const step = tw.jwksAnswer(request.url, answer.status, answer.body);
    if (!step.ok) throw new InspectError(step.message, step);
    return { url: request.url, ...loadKeys(answer.body) };
  }

  /** The issuer's discovery document, then the JWKS it names. */
  async function discover(issuer, opts = {}) {
    const { fetch: fetchFn, pageOrigin } = options(opts);
    const request = requested('discovery', issuer);
    const answer = await get(fetchFn, request.url, pageOrigin);
    const step = tw.discoveryAnswer(issuer.trim(), answer.status, answer.body);
    if (!step.ok) throw new InspectError(step.message, step);
    return { discoveryUrl: request.url, jwksUri: step.url, ...(await fetchJwks(step.url, { fetch: fetchFn, pageOrigin })) };
  }

  return {
    inspect,
    loadKeys,
    explain,
    discover,
    fetchJwks,
    compare: (before, after) => tw.compareTokens(before, after),
    describeTime: (claim, at, now) => tw.describeTime(claim, at, now),
    /** The origin a fetch of `url` needs (what a Content-Security-Policy must allow), or null. */
    originOf: (url) => tw.fetchRequest('jwks', url).origin,
  };
}

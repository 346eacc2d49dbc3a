// Browserless login and logout against the test provider: plain fetch (redirect: 'manual') and a
// tiny cookie jar follow the redirects and post the forms a browser would, so tests need no
// browser. Works against this provider's pages only (it reads their forms with regexes).

const MAX_STEPS = 20;

// Cookies by name for one origin; paths and expiry dates are ignored (short-lived test flows),
// deletions are honoured.
export class CookieJar {
  #cookies = new Map();

  store(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))
        || attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) <= Date.now());
      if (!value || expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header() {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(url, init = {}) {
    const headers = new Headers(init.headers);
    if (this.#cookies.size) headers.set('cookie', this.header());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(response);
    return response;
  }
}

const decode = (s) => s.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (tag, name) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? decode(m[1]) : undefined;
};

// The first form of a page: its action (absolute) and its hidden and pre-filled inputs.
function parseForm(html, baseUrl) {
  const form = /<form\b[^>]*>/i.exec(html);
  if (!form) return undefined;
  const fields = new URLSearchParams();
  for (const [input] of html.matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(input, 'name');
    if (name && attr(input, 'type') !== 'password') fields.set(name, attr(input, 'value') ?? '');
  }
  return { action: new URL(attr(form[0], 'action') ?? baseUrl, baseUrl).href, fields };
}

const pageMessage = (html) => {
  const m = /<p id="(?:input-error|error-message)"[^>]*>([^<]*)</.exec(html);
  return m ? decode(m[1]) : undefined;
};

const sameEndpoint = (a, b) => {
  const x = new URL(a);
  const y = new URL(b);
  return x.origin === y.origin && x.pathname === y.pathname;
};

const postForm = (jar, { action, fields }) => jar.fetch(action, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: fields.toString(),
});

// Follows an authorization request to its end and resolves to the URL the provider sends the
// browser to at the client's redirect_uri (with code, state and iss, or with error). Throws when
// the login form rejects the credentials, with the form's message. Pass the same `jar` to a later
// call to reuse the SSO session; `cancel: true` presses Cancel instead of signing in.
export async function completeLogin(authorizationUrl, { username, password, cancel = false, jar = new CookieJar() } = {}) {
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new Error('completeLogin: the authorization URL has no redirect_uri');
  let response = await jar.fetch(authorizationUrl);
  let url = authorizationUrl;
  let submitted = false;

  for (let step = 0; step < MAX_STEPS; step += 1) {
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location'), url).href;
      if (sameEndpoint(next, redirectUri)) return next;
      url = next;
      response = await jar.fetch(url);
      continue;
    }
    const html = await response.text();
    const form = response.status === 200 ? parseForm(html, url) : undefined;
    if (!form) {
      throw new Error(`completeLogin: unexpected ${response.status} from ${new URL(url).pathname}: ${pageMessage(html) ?? html.slice(0, 200)}`);
    }
    if (form.fields.has('username')) {
      if (submitted) throw new Error(`completeLogin: login as "${username}" failed: ${pageMessage(html) ?? 'the form came back'}`);
      submitted = true;
      form.fields.set('username', username ?? '');
      form.fields.set('password', password ?? '');
      if (cancel) form.fields.set('cancel', 'true');
    }
    url = form.action;
    response = await postForm(jar, form);
  }
  throw new Error(`completeLogin: more than ${MAX_STEPS} steps without reaching ${redirectUri}`);
}

// Follows an RP-initiated logout (end_session URL with id_token_hint or client_id and
// post_logout_redirect_uri) through any confirmation form and resolves to the final URL: the
// post_logout_redirect_uri (with state) or the provider's "logged out" page. Pass the login's
// `jar` to end the browser session the way a browser would.
export async function completeLogout(endSessionUrl, { jar = new CookieJar() } = {}) {
  const target = new URL(endSessionUrl).searchParams.get('post_logout_redirect_uri');
  let url = endSessionUrl;
  let response = await jar.fetch(url);
  for (let step = 0; step < MAX_STEPS; step += 1) {
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location'), url).href;
      if (target && sameEndpoint(next, target)) return next;
      url = next;
      response = await jar.fetch(url);
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) {
      throw new Error(`completeLogout: ${response.status} from ${new URL(url).pathname}: ${pageMessage(html) ?? html.slice(0, 200)}`);
    }
    const form = parseForm(html, url);
    if (!form) return url;
    url = form.action;
    response = await postForm(jar, form);
  }
  throw new Error(`completeLogout: more than ${MAX_STEPS} steps`);
}

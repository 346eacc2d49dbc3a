// Small HTTP helpers for the endpoints served next to oidc-provider (login form, logout, admin,
// userinfo): form bodies, client credentials, JSON/HTML answers, CORS for the registered origins.

const BODY_LIMIT = 64 * 1024;

export async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function send(res, status, body = '', headers = {}) {
  res.writeHead(status, { 'cache-control': 'no-store', ...headers });
  res.end(body);
}

export const sendJson = (res, status, body, headers = {}) =>
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });

export const sendHtml = (res, status, html) => send(res, status, html, { 'content-type': 'text/html; charset=utf-8' });

export const redirect = (res, status, location) => send(res, status, '', { location });

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]);

export function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}label,input,button{display:block;width:100%;box-sizing:border-box;margin:.3rem 0}input,button{padding:.5rem}[role=alert]{color:#b00020}</style>
</head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>`;
}

// client_id/client_secret from HTTP Basic (RFC 6749 2.3.1: both form-urlencoded) or the body.
function clientCredentials(req, form) {
  const [scheme, value] = (req.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) {
      const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
      return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
    }
  }
  return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
}

// Authenticates the caller as oidc-provider would: public clients by client_id alone, the others
// by their secret. Resolves to { client } or { error } with Keycloak's description.
export async function authenticateClient(provider, req, form) {
  const { id, secret } = clientCredentials(req, form);
  const client = id ? await provider.Client.find(id) : undefined;
  if (!client) return { error: 'Invalid client or Invalid client credentials' };
  if (client.clientAuthMethod === 'none') return { client };
  if (!secret || !(await client.compareClientSecret(secret))) return { error: 'Invalid client credentials' };
  return { client };
}

export function bearerToken(req) {
  const [scheme, value] = (req.headers.authorization ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && value ? value : undefined;
}

// CORS for browser calls from the clients' origins (Keycloak's "web origins"). Answers a
// preflight itself and returns true then.
export function cors(allowedOrigins, req, res) {
  const { origin } = req.headers;
  if (!origin || !allowedOrigins.has(origin)) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS') return false;
  send(res, 204, '', {
    'access-control-allow-methods': 'GET, POST, DELETE',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-max-age': '600',
  });
  return true;
}

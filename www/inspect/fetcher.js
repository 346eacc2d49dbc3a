// The inspector's only network access: one GET of the URL the user asked for, from a frame whose
// Content-Security-Policy allows that URL's origin and nothing else. The page names the URL and
// the origin (computed by the core) in this frame's fragment; the answer goes back by postMessage.
'use strict';
(async () => {
  const reply = (msg) => parent.postMessage({ tokenwardFetch: true, ...msg }, location.origin);
  let request;
  try {
    request = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  } catch {
    return reply({ error: 'bad request' });
  }
  const { id, url, origin } = request;
  // The origin goes into a policy: a space or ';' would add sources or directives.
  if (typeof origin !== 'string' || !/^https?:\/\/[A-Za-z0-9.\-:[\]]+$/.test(origin)) return reply({ id, error: 'bad origin' });
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = `connect-src ${origin}`;
  document.head.append(meta);
  try {
    const res = await fetch(url, { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' });
    reply({ id, status: res.status, body: await res.text() });
  } catch (err) {
    reply({ id, error: String(err && err.message) });
  }
})();

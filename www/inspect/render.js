// DOM rendering of the core's views (tokenward/inspect). Display only: every label, explanation,
// note, check reason and phrase comes from the core; this file lays them out. Untrusted text is
// only ever set as textContent.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children.flat()) if (c != null && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

function notes(list) {
  if (!list?.length) return null;
  return el('ul', { class: 'notes' }, list.map((n) => el('li', { class: `note ${n.level}`, 'data-code': n.code }, el('strong', {}, n.level === 'warning' ? 'Warning: ' : 'Note: '), n.text)));
}

// The JSON as the token carries it, one top-level member per line, each known member followed by
// the core's explanation.
function annotatedJson(title, json, fields) {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const obj = JSON.parse(json);
  const lines = Object.entries(obj).map(([name, value], i, all) => {
    const f = byName.get(name);
    const text = `  ${JSON.stringify(name)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${i < all.length - 1 ? ',' : ''}`;
    return el('div', { class: f?.untrusted ? 'line untrusted' : 'line', 'data-claim': name },
      el('code', {}, text),
      f ? el('span', { class: 'explain' }, `${f.label}: ${f.explanation}`) : null);
  });
  return el('div', { class: 'json' }, el('h4', {}, title), el('pre', {}, el('code', {}, '{'), lines, el('code', {}, '}')));
}

function facts(t) {
  const rows = [
    ['issuer', t.issuer],
    ['subject', t.subject],
    ['audience', t.audience.join(', ') || '(none)'],
    ['authorized party', t.azp],
    ['session (sid)', t.sid],
    ['scopes', t.scopes.join(' ')],
    ['realm roles', t.realm_roles.join(', ')],
    ...t.client_roles.map((c) => [`client roles: ${c.client}`, c.roles.join(', ')]),
    ['lifetime stated by the response', t.stated_lifetime],
  ].filter(([, v]) => v);
  return el('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function times(t) {
  if (!t.times.length) return null;
  return el('table', { class: 'times' },
    el('thead', {}, el('tr', {}, el('th', {}, 'claim'), el('th', {}, 'local'), el('th', {}, 'UTC'), el('th', {}, 'now'))),
    el('tbody', {}, t.times.map((x) => el('tr', {},
      el('td', {}, x.claim),
      el('td', {}, new Date(x.at * 1000).toLocaleString()),
      el('td', {}, x.utc),
      el('td', { class: 'countdown', 'data-claim': x.claim, 'data-at': String(x.at) }, x.relative)))));
}

export function checks(report) {
  return el('div', { class: 'checks' },
    el('p', { class: report.ok ? 'summary ok' : 'summary bad', 'data-ok': String(report.ok) }, report.summary),
    el('ol', {}, report.checks.map((c) => el('li', { class: `check ${c.status}`, 'data-check': c.id, 'data-status': c.status },
      el('span', { class: 'status' }, c.status), ' ', el('strong', {}, c.id), ' ', c.code ? el('code', {}, c.code) : null, ' ', c.reason))));
}

export function token(t, index) {
  const card = el('article', { class: 'token', 'data-kind': t.kind, 'data-field': t.field, 'data-index': String(index) },
    el('h3', {}, `${t.field === 'token' ? '' : `${t.field}: `}${t.label}`));
  if (t.error) {
    card.append(el('p', { class: 'error', role: 'alert', 'data-code': t.error.code }, el('strong', {}, 'Not a JWT: '), t.error.message));
    return card;
  }
  card.append(notes(t.notes) ?? '', facts(t), times(t) ?? '',
    el('div', { class: 'pair' }, annotatedJson('Header', t.header_json, t.header_fields), annotatedJson('Claims', t.claims_json, t.claim_fields)),
    el('div', { class: 'report', 'data-report': String(index) }, el('p', {}, 'Checking…')));
  return card;
}

export function inspection(result) {
  const parts = [notes(result.notes)];
  if (result.response) {
    const r = result.response;
    parts.push(el('div', { class: 'response' }, el('h3', {}, 'Token response'),
      el('dl', { class: 'facts' }, [['token_type', r.token_type], ['expires_in', r.expires_in], ['refresh_expires_in', r.refresh_expires_in], ['scope', r.scope]]
        .filter(([, v]) => v != null).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))])),
      notes(r.notes)));
  }
  parts.push(...result.tokens.map(token));
  return parts.filter(Boolean);
}

export function keys(loaded, source) {
  return el('div', { class: 'keyset', 'data-keys': String(loaded.keys.length) },
    el('p', {}, `${loaded.keys.length} usable key(s) from ${source}`),
    el('ul', {}, loaded.keys.map((k) => el('li', {}, `kid ${k.kid ?? '(none)'}: ${k.kty}${k.crv ? ` ${k.crv}` : ''}, ${k.bits} bits${k.alg ? `, ${k.alg}` : ''}${k.use ? `, use ${k.use}` : ''}`))),
    notes(loaded.notes) ?? '');
}

export function comparison(c) {
  const show = (v) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return el('article', { class: 'compare' }, el('h3', {}, 'Compared with the second token'),
    notes(c.notes) ?? '',
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'claim'), el('th', {}, 'first'), el('th', {}, 'second'))),
      el('tbody', {}, c.changed.map((x) => el('tr', { 'data-changed': x.name }, el('td', {}, x.name), el('td', {}, show(x.before)), el('td', {}, show(x.after)))))),
    el('p', {}, `${c.unchanged.length} member(s) unchanged.`));
}

export function problem(message) {
  return el('p', { class: 'error', role: 'alert' }, message);
}

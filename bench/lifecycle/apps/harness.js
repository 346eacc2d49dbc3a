// The page side of the benchmark, shared by the three apps: each app hands over how it logs in,
// whether it is authenticated and how it gets a fresh access token; this file turns that into the
// uniform window.bench the runner drives. Only booleans, counts and error codes leave the page:
// never a token.
export function expose({ login, authenticated, freshToken }) {
  const stats = { calls: 0, failures: 0, loggedOut: false, why: null, at: null };
  let running = false;
  let timer = null;

  // The first sign that this tab lost its session; later failures only add to `failures`.
  function markLoggedOut(why) {
    if (stats.loggedOut) return;
    stats.loggedOut = true;
    stats.why = String(why).slice(0, 200);
    stats.at = Date.now();
  }

  async function tick() {
    stats.calls += 1;
    try {
      const token = await freshToken();
      if (typeof token !== 'string' || token === '') throw new Error('no access token');
    } catch (e) {
      stats.failures += 1;
      markLoggedOut(e?.code ?? e?.error ?? e?.message ?? e);
    }
    if (!authenticated()) markLoggedOut('unauthenticated');
    // 1-2 s apart and unsynchronised between tabs, like users clicking around.
    if (running) timer = setTimeout(tick, 1000 + Math.random() * 1000);
  }

  window.bench = {
    login,
    authenticated,
    markLoggedOut,
    start() {
      running = true;
      timer = setTimeout(tick, Math.random() * 1000);
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
    stats: () => ({ ...stats, authenticated: authenticated() }),
  };
  return { markLoggedOut };
}

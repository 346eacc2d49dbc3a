// The IndexedDB session store of tokenward/browser: compare-and-set on the state's version in
// one readwrite transaction (atomic across tabs), with the refresh token encrypted by a
// non-extractable AES-GCM key that lives in the same database. That stops a copy of the stored
// data from being used elsewhere; it does not stop script running in the page (XSS), which can
// call the same APIs.

const DB = 'tokenward';
const STATES = 'sessions';
const KEYS = 'keys';

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function openDb() {
  const r = indexedDB.open(DB, 1);
  r.onupgradeneeded = () => {
    r.result.createObjectStore(STATES);
    r.result.createObjectStore(KEYS);
  };
  return request(r);
}

async function aesKey(db, name) {
  const tx = db.transaction(KEYS, 'readonly');
  const existing = await request(tx.objectStore(KEYS).get(name));
  if (existing) return existing;
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const put = db.transaction(KEYS, 'readwrite');
  // add, not put: if another tab made one meanwhile, theirs wins and is read back. Any other
  // failure (quota) is the store's error, for the core.
  await request(put.objectStore(KEYS).add(key, name)).catch((e) => {
    if (e?.name !== 'ConstraintError') throw e;
  });
  return request(db.transaction(KEYS, 'readonly').objectStore(KEYS).get(name));
}

/** `name` is the session's key, e.g. `${issuer} ${clientId}`. */
export function indexedDbStore(name) {
  let dbp = null;
  // A failed open, or a database closed under us (another version, the browser), is opened
  // again by the next call rather than kept.
  const db = () =>
    (dbp ??= openDb().then(
      (d) => {
        d.onversionchange = () => {
          d.close();
          dbp = null;
        };
        d.onclose = () => {
          dbp = null;
        };
        return d;
      },
      (e) => {
        dbp = null;
        throw e;
      },
    ));
  const key = async () => aesKey(await db(), name);
  const aad = new TextEncoder().encode(name);

  // The state's refresh tokens: the session's, and an offline one a local logout set aside.
  const HOLDERS = ['tokens', 'parked'];

  async function seal(state) {
    const clear = structuredClone(state);
    const sealed = {};
    for (const h of HOLDERS) {
      const rt = state?.[h]?.refresh_token;
      if (!rt) continue;
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, await key(), new TextEncoder().encode(rt));
      sealed[h] = { iv, ct };
      clear[h].refresh_token = null;
    }
    return { version: state.version, state: clear, sealed };
  }

  async function open(record) {
    if (!record) return null;
    const state = record.state;
    // Records written before `parked` was sealed hold { iv, ct } for `tokens` alone.
    const sealed = record.sealed?.ct ? { tokens: record.sealed } : (record.sealed ?? {});
    for (const h of HOLDERS) {
      if (!sealed[h] || !state[h]) continue;
      try {
        const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed[h].iv, additionalData: aad }, await key(), sealed[h].ct);
        state[h].refresh_token = new TextDecoder().decode(pt);
      } catch (e) {
        // A key that is gone (storage partly cleared) cannot open the token (OperationError):
        // the session restores without it and asks for a login when the access token runs
        // out. Anything else (a failed transaction) fails the load: the core hears `storage`
        // and the sealed token stays where it is.
        if (e?.name !== 'OperationError') throw e;
        state[h].refresh_token = null;
      }
    }
    return state;
  }

  return {
    async load() {
      const tx = (await db()).transaction(STATES, 'readonly');
      return open(await request(tx.objectStore(STATES).get(name)));
    },
    async compareAndSet(expected, state) {
      const record = await seal(state); // before the transaction: it would commit during an await
      const tx = (await db()).transaction(STATES, 'readwrite');
      const store = tx.objectStore(STATES);
      const current = await request(store.get(name));
      if ((current?.version ?? 0) !== expected) {
        tx.abort();
        return { ok: false, current: await open(current) };
      }
      store.put(record, name);
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('aborted'));
      });
      return { ok: true };
    },
  };
}

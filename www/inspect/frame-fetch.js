// A fetch for tokenward/inspect that runs in a throw-away fetcher.html frame, whose CSP allows
// only the origin of the URL asked for (the core names it: originOf). Same shape as fetch():
// resolves to { status, text() }, rejects (as a network failure does) when there is no answer.
let nextId = 1;

export function frameFetch(originOf, onPolicy) {
  return (url) =>
    new Promise((resolve, reject) => {
      const origin = originOf(url);
      if (!origin) return reject(new TypeError('no origin'));
      const id = nextId++;
      const frame = document.createElement('iframe');
      frame.hidden = true;
      frame.title = 'key fetcher';
      const done = () => {
        window.removeEventListener('message', onMessage);
        frame.remove();
        onPolicy?.(null);
      };
      const onMessage = (event) => {
        if (event.source !== frame.contentWindow || event.origin !== location.origin) return;
        const msg = event.data;
        if (!msg?.tokenwardFetch || msg.id !== id) return;
        done();
        if (msg.error) reject(new TypeError(msg.error));
        else resolve({ status: msg.status, text: async () => msg.body });
      };
      window.addEventListener('message', onMessage);
      onPolicy?.(origin);
      frame.src = `fetcher.html#${encodeURIComponent(JSON.stringify({ id, url, origin }))}`;
      document.body.append(frame);
    });
}

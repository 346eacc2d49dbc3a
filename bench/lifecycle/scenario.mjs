// One library's run in the browser: a login of alice through the provider's form in the first
// tab, four more tabs picking up that login, then every tab asking for a fresh token every 1-2 s
// for `seconds`. Each library gets its own browser context, so nothing carries over between them.
const TABS = 5;
const WAIT = { timeout: 30_000 };

async function openTab(context, url, problems) {
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.bench?.ready, null, WAIT);
  return page;
}

async function loginThroughForm(page, { issuer, appUrl }) {
  await page.evaluate(() => window.bench.login()); // navigates to the provider
  await page.waitForSelector('input[name="username"]', WAIT);
  if (!page.url().startsWith(issuer)) throw new Error('the login form is not the provider\'s');
  await page.fill('input[name="username"]', 'alice');
  await page.fill('input[name="password"]', 'alice-password');
  await Promise.all([page.waitForURL(`${appUrl}**`, WAIT), page.click('#kc-login')]);
  await page.waitForFunction(() => window.bench?.ready, null, WAIT);
}

// Names the step that failed, so a library that cannot be run says where it stopped.
async function step(name, fn) {
  try {
    return await fn();
  } catch (err) {
    throw new Error(`${name}: ${err.message.split('\n')[0]}`);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Returns per-tab stats from the pages (no tokens) and the provider's counts for the polling
 * phase only; the login and the tabs' start-up are not counted.
 */
export async function runScenario({ browser, base, issuer, library, seconds, provider }) {
  const appUrl = `${base}${library.app}`;
  const context = await browser.newContext();
  const problems = [];
  try {
    await library.prepare?.(context, issuer);
    const first = await step('open the first tab', () => openTab(context, appUrl, problems));
    await step('log in through the form', () => loginThroughForm(first, { issuer, appUrl }));
    if (!(await first.evaluate(() => window.bench.authenticated()))) throw new Error('not authenticated after the login');
    const tabs = [first];
    for (let i = 1; i < TABS; i++) tabs.push(await step(`open tab ${i + 1}`, () => openTab(context, appUrl, problems)));
    const startedAuthenticated = await Promise.all(tabs.map((t) => t.evaluate(() => window.bench.authenticated())));

    provider.reset();
    await Promise.all(tabs.map((t) => t.evaluate(() => window.bench.start())));
    await sleep(seconds * 1000);
    await Promise.all(tabs.map((t) => t.evaluate(() => window.bench.stop())));
    const measured = provider.snapshot();
    const stats = await Promise.all(tabs.map((t) => t.evaluate(() => window.bench.stats())));
    return { startedAuthenticated, stats, ...measured, problems };
  } catch (err) {
    // Page errors say more than a timeout does.
    throw new Error(problems.length ? `${err.message} (page errors: ${problems.join('; ')})` : err.message);
  } finally {
    await context.close();
  }
}

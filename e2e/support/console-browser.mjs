// Drives the operator console in Debian's chromium (puppeteer-core) through what an operator does, and
// prints, as JSON, what each step saw. A separate process because puppeteer-core is an ES module Jest's
// runtime cannot load; console.e2e-spec.ts arranges the gateway, runs this and checks the report.
// Usage: node e2e/support/console-browser.mjs '<json: {base, chromium, adminToken, workspaceId, to,
//   channelName, deadLetterId, screenshots}>'
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const config = JSON.parse(process.argv[2]);
const {
  base,
  chromium,
  adminToken,
  workspaceId,
  to,
  channelName,
  deadLetterId,
  callbackMessageId,
  screenshots,
} = config;
mkdirSync(screenshots, { recursive: true });

const report = { steps: {}, problems: [], screenshots: [] };
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const step = async (name, run) => {
  try {
    report.steps[name] = { ok: true, ...(await run()) };
  } catch (error) {
    report.steps[name] = { ok: false, error: String(error?.stack ?? error) };
    await shot(`failed-${name}`).catch(() => undefined);
  }
};
let page;
const shot = async (name) => {
  const file = path.join(screenshots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  report.screenshots.push(file);
};
const text = (selector) => page.$eval(selector, (node) => node.textContent.trim());
/** Confirms the dialog an action opens, by keyboard: Tab from Cancel to the confirm button, then Enter. */
const confirmByKeyboard = async () => {
  await page.waitForSelector('dialog.confirm[open]');
  const focused = await page.evaluate(() => document.activeElement?.dataset.action);
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => document.activeElement?.dataset.action);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('dialog.confirm'));
  return { focusedFirst: focused, confirmedWith: next };
};

try {
  page = await browser.newPage();
  await page.setViewport({ width: 1366, height: 860 });
  page.on('pageerror', (error) => report.problems.push(`page: ${String(error)}`));
  page.on('console', (message) => {
    // The wrong key's 401 is expected (the sign-in step checks it); anything else is a problem.
    if (message.type() === 'error' && !/status of 401/.test(message.text()))
      report.problems.push(`console: ${message.text()}`);
  });
  const requested = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('response', (response) => {
    if (response.status() >= 400 && !(response.status() === 401 && response.url().endsWith('/v1/whoami')))
      report.problems.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });

  await step('signIn', async () => {
    await page.goto(base, { waitUntil: 'networkidle0' });
    await page.waitForSelector('#key');
    const focusedOnKey = await page.evaluate(() => document.activeElement?.id === 'key');
    await page.type('#key', 'sg_not-a-key-of-anyone');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#sign-in-error')?.textContent.length > 0);
    const wrongKey = await text('#sign-in-error');
    await shot('sign-in');
    await page.type('#key', adminToken);
    await page.keyboard.press('Enter');
    await page.waitForSelector('nav a[href="#/dead-letters"]');
    await page.waitForSelector('#workspace');
    await page.select('#workspace', workspaceId);
    await page.waitForSelector('form.send');
    // The page marks itself: a reload later would lose the mark (the log must update without one).
    await page.evaluate(() => (window.__notReloaded = true));
    const stored = await page.evaluate(() => ({
      local: Object.keys(localStorage).length,
      session: Object.keys(sessionStorage).length,
      cookies: document.cookie,
      url: location.href,
    }));
    return {
      focusedOnKey,
      wrongKey,
      stored,
      nav: await page.$$eval('nav a', (links) => links.map((a) => a.textContent)),
    };
  });

  let messageId;
  await step('sendAndWatch', async () => {
    await page.type('#s-to', to);
    await page.type('#s-text', 'Hello from the console');
    const channel = await page.$$eval(
      '#s-channel option',
      (options, name) => options.find((o) => o.textContent.startsWith(name))?.value,
      channelName,
    );
    await page.select('#s-channel', channel);
    await page.click('form.send button[type="submit"]');
    const confirmation = await confirmByKeyboard();
    await page.waitForFunction(() =>
      /Accepted: message/.test(document.querySelector('#notice')?.textContent ?? ''),
    );
    messageId = (await text('#notice')).match(/message ([0-9a-f-]{36})/)[1];
    const started = Date.now();
    await page.waitForFunction(
      (id) => document.querySelector(`[data-message="${id}"] .status`)?.textContent === 'delivered',
      { timeout: 30_000 },
      messageId,
    );
    const notReloaded = await page.evaluate(() => window.__notReloaded === true);
    await shot('messages');
    return { messageId, confirmation, notReloaded, waitedMs: Date.now() - started };
  });

  await step('messagePage', async () => {
    await page.click(`a[href="#/message/${messageId}"]`);
    await page.waitForSelector('#message-status');
    await page.waitForFunction(() => document.querySelector('#message-status')?.textContent === 'delivered');
    const history = await page.$$eval('main table', (tables) => tables[0].innerText);
    const headings = await page.$$eval('main h2', (nodes) => nodes.map((node) => node.textContent));
    const facts = await page.$eval('dl.facts', (node) => node.innerText);
    await shot('message');
    // A message sent with a callback URL: its callbacks and their outcome.
    await page.evaluate((id) => (location.hash = `#/message/${id}`), callbackMessageId);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('main table caption')].some(
        (caption) => caption.textContent === 'Callbacks to the sender',
      ),
    );
    const callbacks = await page.$$eval(
      'main table',
      (tables) => tables.find((table) => table.caption?.textContent === 'Callbacks to the sender').innerText,
    );
    const callbackFacts = await page.$eval('dl.facts', (node) => node.innerText);
    await shot('message-callbacks');
    return { history, headings, facts, callbacks, callbackFacts };
  });

  await step('traffic', async () => {
    await page.click('nav a[href="#/traffic"]');
    await page.waitForSelector('#chart-status canvas');
    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((figure) => ({
        id: figure.id,
        canvas: figure.querySelectorAll('canvas').length,
        legend: [...figure.querySelectorAll('.u-legend .u-label')].map((label) => label.textContent),
      })),
    );
    const total = await text('#total-messages');
    await shot('traffic');
    return { charts, total };
  });

  await step('channels', async () => {
    await page.click('nav a[href="#/channels"]');
    await page.waitForSelector('[data-toggle]');
    const row = await page.$$eval(
      '#channel-list tbody tr',
      (rows, name) => rows.findIndex((r) => r.cells[0].textContent === name),
      channelName,
    );
    const uuid = await page.$$eval(
      '#channel-list tbody tr',
      (rows, index) => rows[index].querySelector('[data-toggle]').dataset.toggle,
      row,
    );
    await page.waitForFunction(
      (id) => /bound/.test(document.querySelector(`[data-channel-state="${id}"]`)?.textContent ?? ''),
      { timeout: 20_000 },
      uuid,
    );
    const stateBefore = await text(`[data-channel-state="${uuid}"]`);
    await page.click(`#channel-list tbody tr:nth-child(${row + 1}) button[aria-expanded]`);
    await page.waitForSelector('#channel-detail table, #channel-detail p');
    const detail = await page.$eval('#channel-detail', (node) => node.innerText);
    await shot('channels');
    await page.focus(`[data-toggle="${uuid}"]`);
    await page.keyboard.press('Enter');
    const confirmation = await confirmByKeyboard();
    await page.waitForFunction(
      (id) => document.querySelector(`[data-channel-state="${id}"]`)?.textContent === 'disabled',
      {},
      uuid,
    );
    const notice = await text('#notice');
    await shot('channel-disabled');
    return { uuid, stateBefore, detail, confirmation, notice };
  });

  await step('deadLetters', async () => {
    await page.click('nav a[href="#/dead-letters"]');
    await page.waitForSelector(`input[aria-label="select letter ${deadLetterId}"]`, { timeout: 30_000 });
    const summary = await text('#dlq-summary');
    const row = await page.$$eval(
      '#dlq-results tbody tr',
      (rows, id) => rows.findIndex((r) => r.querySelector(`input[aria-label="select letter ${id}"]`)),
      deadLetterId,
    );
    await page.click(`#dlq-results tbody tr:nth-child(${row + 1}) button.secondary`);
    await page.waitForSelector('#dlq-payload');
    const payload = await text('#dlq-payload');
    await page.click(`input[aria-label="select letter ${deadLetterId}"]`);
    await page.click('#replay-selected');
    const confirmation = await confirmByKeyboard();
    await page.waitForFunction(
      () => /Replayed/.test(document.querySelector('#replay-outcome')?.textContent ?? ''),
      { timeout: 30_000 },
    );
    const outcome = await text('#replay-outcome');
    await shot('dead-letters');
    return { summary, payload, confirmation, outcome };
  });

  await step('workspaces', async () => {
    await page.click('nav a[href="#/workspaces"]');
    await page.waitForSelector('#w-name');
    await page.type('#w-name', 'Created in the console');
    await page.keyboard.press('Enter');
    const confirmation = await confirmByKeyboard();
    await page.waitForSelector('dialog.secret[open]');
    const key = await page.$eval('.secret-value', (input) => input.value);
    await shot('workspace-key');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog.secret'));
    await page.waitForFunction(() =>
      /Created in the console/.test(document.querySelector('#workspace-list')?.textContent ?? ''),
    );
    const listed = await page.$eval('#workspace-list', (node) => node.innerText);
    await shot('workspaces');
    return {
      keyLooksLikeOne: /^sg_[A-Za-z0-9_-]{20,}$/.test(key),
      keyInList: listed.includes(key),
      confirmation,
    };
  });

  await step('keyboard', async () => {
    // Every control has a name a screen reader reads, and Tab from the top reaches the skip link first.
    await page.click('nav a[href="#/messages"]');
    await page.waitForSelector('form.send');
    const unnamed = await page.$$eval('input, select, textarea, button', (controls) =>
      controls
        .filter(
          (control) =>
            !(control.labels?.length || control.getAttribute('aria-label') || control.textContent.trim()),
        )
        .map((control) => control.outerHTML.slice(0, 80)),
    );
    // From the top of the page, as after loading it: the body holds focus, then Tab.
    await page.evaluate(() => {
      document.body.tabIndex = -1;
      document.body.focus();
      document.body.removeAttribute('tabindex');
    });
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.textContent);
    return { unnamed, first };
  });

  report.keyInUrls = requested.filter((url) => url.includes(adminToken)).length;
} finally {
  await browser.close();
  process.stdout.write(JSON.stringify(report));
}

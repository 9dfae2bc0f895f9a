// Opens a service's /docs in Debian's chromium (puppeteer-core) and prints, as JSON, what the page shows and
// what went wrong. A separate process because puppeteer-core is an ES module Jest's runtime cannot load.
// Usage: node e2e/support/docs-browser.mjs <service url> <chromium path>
import puppeteer from 'puppeteer-core';

const [base, executablePath] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage();
  const problems = [];
  const fetched = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${String(error)}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('request', (request) => fetched.push(request.url()));
  await page.goto(`${base}/docs`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('.opblock-summary-path', { timeout: 15_000 });
  const paths = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((node) => node.textContent));
  const title = await page.$eval('.info .title', (node) => node.textContent);
  process.stdout.write(JSON.stringify({ paths, title, fetched, problems }));
} finally {
  await browser.close();
}

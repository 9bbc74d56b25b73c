'use strict';
// The checks made from an index's own pages (lib/own-pages.mjs: umlauts
// typed as ae/oe/ue, typos anywhere among a word's first letters and
// further on, compounds' parts) run inside Chromium, against the engine
// the site serves, so that they hold in the browser as in Node
// (engine-tests.mjs). Works on any built site, also the generated
// benchmark corpus, where search-tests.js has no pages of its own to test.
//
//   node engine-chromium.js SITE [LANG]
//
// Exits 1 with a list of what failed.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const { startServer } = require('./lib/server');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Served beside the site at this address (same origin, so the site's
// script rules let the page import it).
const SHARED = '/__engine-checks__/own-pages.mjs';

async function main() {
  const site = path.resolve(process.argv[2] || 'public');
  const lang = process.argv[3] || 'de';
  const searchUrl = lang === 'de' ? '/suche/' : `/${lang}/search/`;
  const server = await startServer(site, { lifetimeMs: 10 * 60 * 1000 });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommhub-engine-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  let results = [];
  try {
    const page = await context.newPage();
    const source = fs.readFileSync(path.join(__dirname, 'lib', 'own-pages.mjs'), 'utf8');
    await page.route(`**${SHARED}`, (route) => route.fulfill({ body: source, contentType: 'text/javascript' }));
    await page.goto(`${server.origin}${searchUrl}`, { waitUntil: 'load' });
    results = await page.evaluate(async ({ lang, shared }) => {
      const api = await import(`/search-index/${lang}/engine.js`);
      const { ownPages } = await import(shared);
      const json = async (name) => (await fetch(`/search-index/${lang}/${name}`)).json();
      const info = await json('index.json');
      const out = [];
      await ownPages(api, info, (n) => json(`p/${n}.json`), (ok, message) => out.push([Boolean(ok), message]));
      return out;
    }, { lang, shared: SHARED });
  } finally {
    await context.close().catch(() => {});
    await server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  const failed = results.filter(([ok]) => !ok);
  for (const [ok, message] of results) console.log(`  ${ok ? '✓' : '✗'} ${message}`);
  if (!results.length || failed.length) {
    console.log(`\n${failed.length} of ${results.length} engine checks failed in Chromium`);
    process.exitCode = 1;
  } else {
    console.log(`\nall ${results.length} engine checks passed in Chromium`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

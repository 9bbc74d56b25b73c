'use strict';
// What one search costs a reader: the bytes of every search file Chromium
// fetches for a query and its first page of results (search.js, the
// engine, index.json, word shards, facets, page records), measured on a
// fresh page per query so that nothing is cached. A measurement for issue
// notes, not a test: it prints a table and fails only when a query could
// not run.
//
//   node search-transfer.js SITE [LANG] [QUERY …]
//
// "gzip" is what a server sending the files gzip-compressed (level 6, as
// nginx's gzip_static files are usually made) would transfer.

const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { chromium } = require('playwright-core');
const { startServer } = require('./lib/server');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DEFAULT_QUERIES = ['Kooperation', 'Verwaltung Digitalisierung', 'Onlinezugangsgesetz', 'Zugang', 'Fachkraeftemangel', 'Buergerbuero', 'kooperation 2025', 'Digitalisirung'];

async function main() {
  const site = path.resolve(process.argv[2] || 'public');
  const lang = process.argv[3] || 'de';
  const queries = process.argv.length > 4 ? process.argv.slice(4) : DEFAULT_QUERIES;
  const searchUrl = lang === 'de' ? '/suche/' : `/${lang}/search/`;
  const server = await startServer(site, { lifetimeMs: 10 * 60 * 1000 });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommhub-transfer-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const rows = [];
  let failed = false;
  try {
    for (const query of queries) {
      const page = await context.newPage();
      const files = new Map();
      page.on('response', async (response) => {
        const url = new URL(response.url());
        if (!url.pathname.startsWith('/search-index/') && !url.pathname.endsWith('/search.js')) return;
        try {
          const body = await response.body();
          files.set(url.pathname, body);
        } catch { /* a redirect has no body */ }
      });
      const started = Date.now();
      await page.goto(`${server.origin}${searchUrl}?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
      try {
        await page.waitForFunction(() => {
          const status = document.querySelector('[data-search-status]');
          const root = document.querySelector('[data-search]');
          const text = status ? status.textContent.trim() : '';
          return text && text !== root.dataset.textLoading;
        }, null, { timeout: 60000 });
        await page.waitForLoadState('networkidle');
      } catch (error) {
        failed = true;
        console.log(`${query}: no result status (${error.message.split('\n')[0]})`);
      }
      const ms = Date.now() - started;
      const results = await page.evaluate(() => document.querySelectorAll('.search-results > li').length);
      const status = await page.evaluate(() => document.querySelector('[data-search-status]').textContent.trim());
      let raw = 0;
      let gzip = 0;
      for (const body of files.values()) {
        raw += body.length;
        gzip += zlib.gzipSync(body, { level: 6 }).length;
      }
      rows.push({ query, files: files.size, raw, gzip, results, status, ms });
      if (process.env.SHOW_FILES) for (const [name, body] of files) console.log(`  ${query}: ${name} ${body.length}`);
      await page.close();
    }
  } finally {
    await context.close().catch(() => {});
    await server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  const kb = (n) => (n / 1000).toFixed(1);
  console.log('| query | files | kB | kB gzip | shown | status | ms |');
  console.log('|---|---:|---:|---:|---:|---|---:|');
  for (const r of rows) console.log(`| \`${r.query}\` | ${r.files} | ${kb(r.raw)} | ${kb(r.gzip)} | ${r.results} | ${r.status} | ${r.ms} |`);
  if (failed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

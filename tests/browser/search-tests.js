'use strict';
// Browser tests of the site search (issue 9) on a built kommhub site.
//
//   node search-tests.js <site-folder>
//
// Serves the folder on 127.0.0.1 and, in Debian's Chromium, checks:
//   - every language has a search page linked from the header, and no
//     other page loads anything of the search index (static and at run time);
//   - German stemming: a German query in another inflection than the text
//     finds the cooperation release;
//   - an English query finds the English release and nothing German;
//   - a standard's id finds the standard (when the site has standards);
//   - the form: label, hint, live region with the result count, each
//     result with title link, date and excerpt; typed and submitted with
//     the keyboard; "more results" where there are many;
//   - axe (WCAG 2.0/2.1 A and AA) reports 0 violations with results shown,
//     and with filters (facets) chosen;
//   - every query of search-queries.json finds its pages (issue 20:
//     compounds, umlauts typed as ae/oe/ue, typos, numbers, filters,
//     English), filters chosen with the keyboard;
//   - sub-results link the matching section's #anchor, which exists;
//   - without JavaScript the page says that search needs it and links the
//     news archive (and the register, when there is one), and the filters
//     as plain links (each association's releases, each year's archive);
//   - nothing requested from other hosts; no cookies, no Web Storage, no
//     Cache Storage, no IndexedDB.
// Exits 1 with a list of what failed.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const { startServer, watchCsp } = require('./lib/server');
const { readSite, htmlResources } = require('./lib/site');

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BUNDLE = '/search-index/';

const failures = [];
let passed = 0;
function fail(area, message) {
  failures.push(`[${area}] ${message}`);
  console.log(`  ✗ ${area}: ${message}`);
}
function ok(area, message) {
  passed++;
  console.log(`  ✓ ${area}: ${message}`);
}
function section(title) {
  console.log(`\n== ${title}`);
}

/** The standards' current versions from the register exports: [{ id, lang, url }]. */
function currentStandards(site) {
  const out = new Map();
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'search-index') visit(full);
      else if (entry.name === 'standards.json') {
        let records = [];
        try { records = JSON.parse(fs.readFileSync(full, 'utf8')); } catch { /* not ours */ }
        for (const r of Array.isArray(records) ? records : []) {
          if (!r || !r.current || !r.id || !r.standard_url) continue;
          const url = new URL(r.standard_url, 'http://site.invalid').pathname;
          out.set(`${r.language} ${r.id}`, { id: r.id, lang: r.language, url });
        }
      }
    }
  };
  visit(site.root);
  return [...out.values()].sort((a, b) => `${a.lang} ${a.id}`.localeCompare(`${b.lang} ${b.id}`));
}

function staticChecks(site) {
  section('Search pages and where the index is loaded');
  const pages = site.pages.filter((p) => p.kind && !p.isRedirect);
  const homes = pages.filter((p) => p.kind === 'home');
  const searchPages = new Map();
  for (const home of homes) {
    const nav = home.html.slice(home.html.indexOf('class="main-nav"'));
    const href = (nav.match(/<li class="nav-search"><a href="([^"]+)"/) || [])[1];
    const target = href && pages.find((p) => p.url === new URL(href, 'http://site.invalid' + home.url).pathname);
    if (!target) { fail('header', `${home.rel}: no link to a search page in the main navigation (li.nav-search a)`); continue; }
    if (target.kind !== 'search' || target.lang !== home.lang) fail('header', `${home.rel}: the search link leads to ${target.rel} (kind ${target.kind}, lang ${target.lang})`);
    else ok('header', `${home.lang}: the header links the search page ${target.url}`);
    searchPages.set(home.lang, target);
  }
  const withoutLink = pages.filter((p) => !p.html.includes('class="nav-search"'));
  if (withoutLink.length) fail('header', `${withoutLink.length} pages do not link the search page in the header: ${withoutLink.slice(0, 5).map((p) => p.rel).join(', ')}`);
  else ok('header', `all ${pages.length} pages link the search page in the header`);

  // Only the search pages may name the search script or the index.
  const loaders = pages.filter((p) => p.kind !== 'search' && htmlResources(p.html).some((r) => /search(\.[0-9a-f]{10})?\.js|search-index/.test(r.url)));
  if (loaders.length) fail('on-demand', `pages other than the search pages load search files: ${loaders.slice(0, 5).map((p) => p.rel).join(', ')}`);
  else ok('on-demand', `none of the ${pages.length - searchPages.size} other pages loads search.js or the index`);

  for (const [lang, page] of searchPages) {
    const entry = path.join(site.root, BUNDLE.slice(1), lang, 'index.json');
    if (!fs.existsSync(entry)) fail('index', `${lang}: ${path.relative(site.root, entry)} is missing`);
    else {
      const meta = JSON.parse(fs.readFileSync(entry, 'utf8'));
      if (meta.language !== lang) fail('index', `${lang}: the index is for ${meta.language}, expected ${lang}`);
      else ok('index', `${lang}: its own index with ${meta.pages} pages in ${meta.shards.length} word shards`);
    }
    if (!page.html.includes(`data-bundle="${BUNDLE}${lang}/"`) && !page.html.includes(`${BUNDLE}${lang}/"`)) fail('index', `${page.rel} does not point its script at ${BUNDLE}${lang}/`);
  }
  return { searchPages, homes };
}

async function runAxe(page) {
  await page.evaluate(AXE_SOURCE); // not a <script>: the site's CSP refuses inline scripts
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  }, AXE_TAGS);
}

/** Types `query` into the search field with the keyboard, submits with Enter, waits for the result count. */
async function searchFor(page, origin, searchPage, query) {
  await page.goto(origin + searchPage.url, { waitUntil: 'load' });
  await page.waitForSelector('form.search-form:not([hidden])', { timeout: 5000 });
  await page.getByLabel(await page.evaluate(() => document.querySelector('.search-form label').textContent.trim())).focus();
  await page.keyboard.type(query);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const status = document.querySelector('[data-search-status]');
    const loading = document.querySelector('[data-search]').dataset.textLoading;
    return status && status.textContent.trim() && status.textContent.trim() !== loading;
  }, null, { timeout: 15000 });
  return page.evaluate(() => ({
    status: document.querySelector('[data-search-status]').textContent.trim(),
    address: location.search,
    results: [...document.querySelectorAll('.search-results > li')].map((li) => ({
      url: new URL(li.querySelector('h2 a')?.href || 'http://x.invalid/', location.href).pathname,
      title: (li.querySelector('h2 a')?.textContent || '').trim(),
      datetime: li.querySelector('time[datetime]')?.getAttribute('datetime') || null,
      date: (li.querySelector('time')?.textContent || '').trim(),
      excerpt: (li.querySelector('.search-result-excerpt')?.textContent || '').trim(),
      marks: li.querySelectorAll('.search-result-excerpt mark').length,
    })),
  }));
}

/** Opens the search page of `lang` with `query` in the address and shows every result. */
async function searchAll(page, origin, searchPage, query) {
  await page.goto(`${origin}${searchPage.url}?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
  await waitForStatus(page);
  await showEverything(page);
  return collect(page);
}

async function waitForStatus(page) {
  await page.waitForFunction(() => {
    const status = document.querySelector('[data-search-status]');
    const loading = document.querySelector('[data-search]').dataset.textLoading;
    return status && status.textContent.trim() && status.textContent.trim() !== loading;
  }, null, { timeout: 15000 });
}

async function showEverything(page) {
  for (let i = 0; i < 20; i++) {
    const more = await page.$('.search-more:not([hidden]) button');
    if (!more) break;
    const before = await page.evaluate(() => document.querySelectorAll('.search-results > li').length);
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('.search-results > li').length > n, before, { timeout: 10000 });
  }
}

function collect(page) {
  return page.evaluate(() => ({
    status: document.querySelector('[data-search-status]').textContent.trim(),
    address: location.search,
    results: [...document.querySelectorAll('.search-results > li')].map((li) => ({
      url: new URL(li.querySelector('h2 a')?.href || 'http://x.invalid/', location.href).pathname,
      marks: [...li.querySelectorAll('.search-result-excerpt mark')].map((m) => m.textContent),
      subs: [...li.querySelectorAll('.search-subresults a')].map((a) => new URL(a.href).pathname + new URL(a.href).hash),
    })),
  }));
}

/** Ticks the filter `name`=`value` with the keyboard (Tab focus, Space) and waits for the new count. */
async function chooseFilter(page, name, value) {
  const box = page.locator(`.search-facets input[name="${name}"][value="${value}"]`);
  if (!(await box.count())) return false;
  const before = await page.evaluate(() => document.querySelector('[data-search-status]').textContent);
  await box.focus();
  await page.keyboard.press('Space');
  await page.waitForFunction((old) => {
    const now = document.querySelector('[data-search-status]').textContent.trim();
    return now && now !== old;
  }, before, { timeout: 10000 });
  await showEverything(page);
  return true;
}

function describe(found) {
  return `"${found.status}" → ${found.results.map((r) => r.url).join(', ') || 'nothing'}`;
}

async function main() {
  const siteDir = path.resolve(process.argv[2] || 'public');
  if (!fs.existsSync(path.join(siteDir, 'index.html'))) throw new Error(`${siteDir} has no index.html: build the site first (cargo run -- build)`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run tests/browser/install.sh`);
  const site = readSite(siteDir);
  const { searchPages, homes } = staticChecks(site);
  const de = searchPages.get('de');
  const en = searchPages.get('en');
  if (!de || !en) throw new Error('the German and the English search page are both needed for these tests');
  const news = site.pages.filter((p) => p.kind === 'news');
  const releaseDe = news.find((p) => p.lang === 'de' && /kooperation/.test(p.url));
  const releaseEn = releaseDe && news.find((p) => p.lang === 'en' && p.url === new URL(releaseDe.alternates.en || 'http://x.invalid/none', 'http://x.invalid').pathname);
  if (!releaseDe || !releaseEn) throw new Error('the cooperation release (content/news/2025-01-20-kooperation.md) and its English version are needed for these tests');

  const server = await startServer(siteDir, { lifetimeMs: 5 * 60 * 1000 });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommhub-search-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      reducedMotion: 'reduce',
    });
    const foreign = [];
    const requested = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.origin + '/') || url.startsWith('data:') || url.startsWith('blob:')) {
        requested.push(new URL(url).pathname);
        return route.continue();
      }
      foreign.push(url);
      return route.abort();
    });
    const cspViolations = watchCsp(context);
    const page = context.pages()[0] || (await context.newPage());
    const scriptErrors = [];
    page.on('pageerror', (e) => scriptErrors.push(String(e)));
    // Requests that failed or were answered with an error, said with a
    // failing query so that a failure in CI can be told from a wrong index.
    let troubles = [];
    page.on('requestfailed', (r) => troubles.push(`${new URL(r.url()).pathname}: ${r.failure()?.errorText}`));
    page.on('response', (r) => { if (r.status() >= 400) troubles.push(`${new URL(r.url()).pathname}: HTTP ${r.status()}`); });

    section('The index is loaded on demand');
    for (const home of homes) {
      requested.length = 0;
      await page.goto(server.origin + home.url, { waitUntil: 'load' });
      await page.waitForTimeout(200);
      const loaded = requested.filter((u) => u.startsWith(BUNDLE) || /\/search(\.[0-9a-f]{10})?\.js$/.test(u));
      if (loaded.length) fail('on-demand', `${home.url} loads ${loaded.join(', ')}`);
      else ok('on-demand', `${home.url} loads nothing of the search`);
    }
    requested.length = 0;
    await page.goto(server.origin + de.url, { waitUntil: 'load' });
    await page.waitForTimeout(200);
    const early = requested.filter((u) => u.startsWith(BUNDLE));
    if (early.length) fail('on-demand', `${de.url} loads the index before anyone searches: ${early.join(', ')}`);
    else ok('on-demand', `${de.url} loads the index only when the reader searches`);

    section('German: another inflection finds the cooperation release');
    for (const query of ['Kooperationen', 'Vereinbarungen']) {
      requested.length = 0;
      const found = await searchFor(page, server.origin, de, query);
      const wrongBundle = requested.filter((u) => u.startsWith(BUNDLE) && !u.startsWith(`${BUNDLE}de/`));
      if (!found.results.some((r) => r.url === releaseDe.url)) fail('stemming', `"${query}" does not find ${releaseDe.url}: ${describe(found)}`);
      else ok('stemming', `"${query}" finds ${releaseDe.url} (${describe(found)})`);
      if (wrongBundle.length) fail('language', `the German search page loaded ${wrongBundle.join(', ')}`);
      if (!found.address.includes('q=')) fail('form', `the query is not in the address after searching (${found.address || 'no query string'})`);
    }
    if (releaseDe.html.includes('Kooperationen') || !/Kooperation\b/.test(releaseDe.html)) fail('stemming', `${releaseDe.rel} must contain "Kooperation" and not "Kooperationen" for this check to test stemming`);

    section('The words readers look for');
    const privacy = site.pages.find((p) => p.lang === 'de' && p.role === 'privacy');
    for (const [query, target] of [['Onlinezugangsgesetz', releaseDe], ['Datenschutz', privacy]]) {
      if (!target) { fail('results', `no page to expect for "${query}"`); continue; }
      const result = await searchFor(page, server.origin, de, query);
      if (result.results.some((r) => r.url === target.url)) ok('results', `"${query}" finds ${target.url} (${describe(result)})`);
      else fail('results', `"${query}" does not find ${target.url}: ${describe(result)}`);
    }

    section('Each result: title, date, excerpt; the count in a live region');
    const found = await searchFor(page, server.origin, de, 'Kooperationen');
    const liveRegion = await page.evaluate(() => {
      const status = document.querySelector('[data-search-status]');
      return { role: status.getAttribute('role'), live: status.getAttribute('aria-live') };
    });
    if (liveRegion.role !== 'status' && liveRegion.live !== 'polite') fail('a11y', `the result count is not in a live region (role=${liveRegion.role}, aria-live=${liveRegion.live})`);
    else ok('a11y', `result count in role="status": "${found.status}"`);
    const count = Number((found.status.match(/\d+/) || [])[0]);
    if (!(count >= found.results.length) || found.results.length === 0) fail('a11y', `the status "${found.status}" does not give the result count (${found.results.length} shown)`);
    const release = found.results.find((r) => r.url === releaseDe.url);
    if (!release) fail('results', `the cooperation release is not among the results: ${describe(found)}`);
    else {
      const problems = [];
      if (!release.title) problems.push('no title');
      if (!release.datetime || !/^\d{4}-\d{2}-\d{2}/.test(release.datetime)) problems.push(`no <time datetime> (${release.datetime})`);
      if (!/\d{1,2}\. \p{L}+ \d{4}/u.test(release.date)) problems.push(`date "${release.date}" is not written the German way`);
      if (release.excerpt.length < 20) problems.push(`excerpt "${release.excerpt}" too short`);
      if (problems.length) fail('results', `${release.url}: ${problems.join('; ')}`);
      else ok('results', `"${release.title}", ${release.date} (${release.datetime}), excerpt "${release.excerpt.slice(0, 60)}…"`);
    }
    const label = await page.evaluate(() => {
      const input = document.querySelector('.search-form input[type="search"]');
      const labelled = input.labels && input.labels.length ? input.labels[0].textContent.trim() : '';
      const hint = (input.getAttribute('aria-describedby') || '').split(/\s+/).map((id) => document.getElementById(id)?.textContent.trim()).join(' ');
      return { labelled, hint };
    });
    if (!label.labelled) fail('a11y', 'the search field has no <label>');
    else ok('a11y', `field labelled "${label.labelled}", described by "${label.hint}"`);

    section('axe on the search page with results shown');
    for (const [lang, searchPage, query] of [['de', de, 'Kooperationen'], ['en', en, 'agreements']]) {
      const shown = await searchFor(page, server.origin, searchPage, query);
      const violations = await runAxe(page);
      if (violations.length) for (const v of violations) fail('axe', `${searchPage.url}?q=${query} (${lang}): ${v}`);
      else ok('axe', `${searchPage.url} with ${shown.results.length} results for "${query}": 0 violations`);
    }
    await page.setViewportSize({ width: 320, height: 800 });
    await searchFor(page, server.origin, de, 'Kooperationen');
    const narrow = await runAxe(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
    if (narrow.length) for (const v of narrow) fail('axe', `${de.url} at 320 px: ${v}`);
    else ok('axe', `${de.url} with results at 320 px: 0 violations`);
    if (overflow) fail('reflow', `${de.url} with results scrolls sideways at 320 px`);
    await page.setViewportSize({ width: 1280, height: 900 });

    section('English: finds the English version and nothing German');
    for (const query of ['agreements', 'cooperate']) {
      requested.length = 0;
      const result = await searchFor(page, server.origin, en, query);
      if (!result.results.some((r) => r.url === releaseEn.url)) fail('english', `"${query}" does not find ${releaseEn.url}: ${describe(result)}`);
      else ok('english', `"${query}" finds ${releaseEn.url}`);
      const german = result.results.filter((r) => r.url === releaseDe.url || !r.url.startsWith('/en/'));
      if (german.length) fail('english', `"${query}" on ${en.url} also finds pages outside /en/: ${german.map((r) => r.url).join(', ')}`);
      else ok('english', `"${query}": all ${result.results.length} results are English pages`);
      const wrongBundle = requested.filter((u) => u.startsWith(BUNDLE) && !u.startsWith(`${BUNDLE}en/`));
      if (wrongBundle.length) fail('language', `the English search page loaded ${wrongBundle.join(', ')}`);
    }

    section("A standard's id finds the standard");
    const standards = currentStandards(site);
    if (standards.length === 0) {
      console.log('  - skipped: the site has no standards (no standards.json with current versions)');
    }
    const sample = [...searchPages.keys()].flatMap((lang) => standards.filter((s) => s.lang === lang).slice(0, 2));
    for (const standard of sample) {
      const result = await searchFor(page, server.origin, searchPages.get(standard.lang), standard.id);
      const position = result.results.findIndex((r) => r.url === standard.url);
      if (position < 0) fail('standard', `"${standard.id}" on the ${standard.lang} search page does not find ${standard.url}: ${describe(result)}`);
      else ok('standard', `"${standard.id}" (${standard.lang}) finds ${standard.url} as result ${position + 1} of ${result.results.length}`);
      const versions = result.results.filter((r) => r.url !== standard.url && r.url.startsWith(standard.url));
      if (versions.length) fail('standard', `"${standard.id}" also finds version pages: ${versions.map((r) => r.url).join(', ')}; only the current version at the standard's address is indexed`);
    }

    section('The query file (search-queries.json) in Chromium');
    const { queries } = JSON.parse(fs.readFileSync(path.join(__dirname, 'search-queries.json'), 'utf8'));
    const known = new Set(site.pages.map((p) => p.url));
    if (!queries.every((q) => (q.find || []).every((u) => known.has(u)))) {
      console.log('  - skipped: its pages are not on this site');
    } else {
      for (const q of queries) {
        const searchPage = searchPages.get(q.lang);
        troubles = [];
        let found = await searchAll(page, server.origin, searchPage, q.query);
        const chosen = Object.entries(q.filter || {});
        const problems = [];
        for (const [name, value] of chosen) {
          if (!(await chooseFilter(page, name, value))) problems.push(`no filter ${name}=${value}`);
          found = await collect(page);
        }
        const urls = found.results.map((r) => r.url);
        const label = `${q.lang} "${q.query}"${chosen.length ? ` [${chosen.map(([k, v]) => `${k}=${v}`).join(', ')}]` : ''}`;
        if (q.none) {
          if (urls.length) problems.push(`finds ${urls.join(', ')}`);
        } else {
          for (const u of q.find || []) if (!urls.includes(u)) problems.push(`misses ${u}`);
          if (q.first && urls[0] !== q.first) problems.push(`first is ${urls[0]}`);
          if (q.only) problems.push(...urls.filter((u) => !q.find.includes(u)).map((u) => `also finds ${u}`));
          if (q.mark) {
            const hit = found.results.find((r) => r.url === q.find[0]);
            if (!hit || !hit.marks.includes(q.mark)) problems.push(`marks ${hit ? hit.marks.join(', ') : 'nothing'}, not ${q.mark}`);
          }
          for (const [name, value] of chosen) {
            if (!found.address.includes(`${name}=${encodeURIComponent(value)}`)) problems.push(`the filter ${name}=${value} is not in the address (${found.address})`);
          }
        }
        if (problems.length) {
          problems.push(`the page said "${found.status}"`, ...troubles.map((t) => `request ${t}`));
          fail('queries', `${label} (${q.why}): ${problems.join('; ')}`);
        }
        else ok('queries', `${label}: ${urls.length} results (${q.why})`);
      }
    }

    section('Filters and sub-results: keyboard, anchors, axe');
    for (const [lang, searchPage, query, name, value] of [['de', de, 'Barrierefreiheit', 'kind', 'news'], ['en', en, 'accessibility', 'year', '2026']]) {
      await searchAll(page, server.origin, searchPage, query);
      const legends = await page.evaluate(() => [...document.querySelectorAll('.search-facets fieldset legend')].map((l) => l.textContent.trim()));
      if (legends.length < 2) fail('facets', `${searchPage.url}?q=${query}: filters shown: ${legends.join(', ') || 'none'}`);
      else ok('facets', `${searchPage.url}?q=${query}: filters ${legends.join(', ')}`);
      if (!(await chooseFilter(page, name, value))) { fail('facets', `no filter ${name}=${value} for "${query}"`); continue; }
      const focused = await page.evaluate(() => document.activeElement && document.activeElement.name);
      if (focused !== name) fail('facets', `after ticking ${name}=${value} the focus is on ${focused}, not on the filter`);
      const violations = await runAxe(page);
      if (violations.length) for (const v of violations) fail('axe', `${searchPage.url}?q=${query} with ${name}=${value} (${lang}): ${v}`);
      else ok('axe', `${searchPage.url}?q=${query} with the filter ${name}=${value} ticked: 0 violations`);
      const found = await collect(page);
      const subs = found.results.flatMap((r) => r.subs);
      const broken = subs.filter((s) => {
        const [pathname, anchor] = s.split('#');
        const target = site.pages.find((p) => p.url === pathname);
        return !anchor || !target || !target.html.includes(`id="${decodeURIComponent(anchor)}"`);
      });
      if (!subs.length) fail('sub-results', `"${query}" shows no sub-results`);
      else if (broken.length) fail('sub-results', `sub-results lead to missing anchors: ${broken.join(', ')}`);
      else ok('sub-results', `"${query}": ${subs.length} sub-results, each at an existing #anchor (${subs[0]})`);
    }

    section('Nothing found, and an empty query');
    const nothing = await searchFor(page, server.origin, de, 'Xylophonorchesterprobe');
    if (nothing.results.length || !nothing.status) fail('results', `a query without hits: ${describe(nothing)}`);
    else ok('results', `a query without hits says "${nothing.status}"`);

    section('Without JavaScript');
    const noJs = await context.newPage();
    const cdp = await context.newCDPSession(noJs);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    for (const searchPage of [de, en]) {
      await noJs.goto(server.origin + searchPage.url, { waitUntil: 'load' });
      const info = await noJs.evaluate(() => {
        const box = document.querySelector('.search-nojs');
        return {
          text: box ? box.innerText.trim() : '',
          links: box ? [...box.querySelectorAll('a[href]')].map((a) => new URL(a.href).pathname) : [],
          formShown: !!document.querySelector('form.search-form') && document.querySelector('form.search-form').offsetHeight > 0,
        };
      });
      const sections = site.pages.filter((p) => p.kind === 'section' && p.lang === searchPage.lang);
      const archive = sections.find((s) => news.some((n) => n.lang === searchPage.lang && n.url.startsWith(s.url)));
      const register = sections.find((s) => fs.existsSync(path.join(path.dirname(s.file), 'standards.json')));
      const problems = [];
      if (!/JavaScript/.test(info.text)) problems.push(`no message that search needs JavaScript ("${info.text}")`);
      if (info.formShown) problems.push('the form is shown although it cannot work');
      if (archive && !info.links.includes(archive.url)) problems.push(`no link to the news archive ${archive.url} (links: ${info.links.join(', ')})`);
      if (register && !info.links.includes(register.url)) problems.push(`no link to the register ${register.url}`);
      const years = info.links.filter((u) => /\/\d{4}\/$/.test(u));
      if (archive && news.some((n) => n.lang === searchPage.lang) && !years.length) problems.push('no year of the archive among the filter links');
      if (problems.length) fail('no-js', `${searchPage.url}: ${problems.join('; ')}`);
      else ok('no-js', `${searchPage.url}: "${info.text.split('\n')[0]}" with links ${info.links.join(', ')}`);
    }
    await noJs.close();

    section('Privacy');
    if (foreign.length) for (const url of [...new Set(foreign)]) fail('third-party', `the browser was asked to load ${url}`);
    else ok('third-party', 'the browser requested nothing outside 127.0.0.1');
    const cookies = await context.cookies();
    const storage = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      caches: typeof caches === 'undefined' ? 0 : (await caches.keys()).length,
      idb: indexedDB.databases ? (await indexedDB.databases()).length : 0,
    }));
    if (cookies.length || storage.local || storage.session || storage.caches || storage.idb) fail('storage', `cookies ${cookies.length}, localStorage ${storage.local}, sessionStorage ${storage.session}, Cache Storage ${storage.caches}, IndexedDB ${storage.idb}`);
    else ok('storage', 'after searching: no cookies, nothing in Web Storage, Cache Storage or IndexedDB');
    if (scriptErrors.length) fail('script', `errors in the page: ${scriptErrors.slice(0, 3).join('; ')}`);
    else ok('script', 'no script errors');
    if (cspViolations.length) fail('csp', `${cspViolations.length} Content-Security-Policy reports in the console: ${cspViolations.slice(0, 3).join('; ')}`);
    else ok('csp', 'no Content-Security-Policy report in the console of any page');
  } finally {
    if (context) await context.close().catch(() => {});
    await server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main()
  .catch((error) => {
    failures.push(`[setup] ${error && error.stack ? error.stack : error}`);
  })
  .finally(() => {
    console.log(`\n${passed} passed, ${failures.length} failed`);
    if (failures.length) {
      console.log(`SEARCH TESTS FAILED (${failures.length}):`);
      for (const f of failures) console.log(`  - ${f}`);
      process.exitCode = 1;
    } else {
      console.log('Search tests passed.');
    }
  });

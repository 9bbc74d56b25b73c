'use strict';
// Browser and output tests of a built kommhub site.
//
//   node browser-tests.js <site-folder> <screenshot-folder>
//
// Serves the folder on 127.0.0.1, then checks:
//   - axe-core (WCAG 2.0/2.1 A and AA rules) on every page, desktop width,
//     and on one page per template and language at 320 px;
//   - keyboard: the first Tab reaches the skip link, following it focuses <main>;
//   - reflow at 320 px and at 640 px (a 1280 px window at 200 % zoom);
//   - no resource from another host, in the output files and at run time;
//     no cookies, nothing in localStorage/sessionStorage;
//   - every page links Impressum, Datenschutz and the accessibility
//     statement; the home pages link Leichte Sprache and Gebärdensprache;
//     internal links and anchors resolve;
//   - press releases: dateline, <time datetime>, lead image alt/caption/credit,
//     contact, boilerplate; the switcher of a release without translation;
//   - pages read and navigate without JavaScript; the print stylesheet;
// and takes the screenshots for README.md.
// Exits 1 with a list of what failed.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const { startServer, watchCsp } = require('./lib/server');
const { readSite, fileOfUrl, thirdPartyResources } = require('./lib/site');

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_VERSION = require('axe-core/package.json').version;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const MISSING = 'kommhub-test-gibt-es-nicht/';
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

const failures = [];
function fail(area, message) {
  failures.push(`[${area}] ${message}`);
  console.log(`  ✗ ${area}: ${message}`);
}
function ok(area, message) {
  console.log(`  ✓ ${area}: ${message}`);
}
function section(title) {
  console.log(`\n== ${title}`);
}

// ---------------------------------------------------------------- pages

/** Picks one page per template and language from the built site. */
function choosePages(site) {
  const pages = site.pages.filter((p) => p.kind && !p.isRedirect);
  const root = pages.find((p) => p.url === '/' && p.kind === 'home');
  if (!root) throw new Error(`${site.root}/index.html is missing or is not a kommhub home page (no <body class="kind-home">)`);
  const defaultLang = root.lang;
  const homes = pages.filter((p) => p.kind === 'home');
  const langs = [defaultLang, ...homes.map((p) => p.lang).filter((l) => l !== defaultLang)];
  const pathOf = (href) => { try { return new URL(href).pathname; } catch { return null; } };
  const byUrl = new Map(pages.map((p) => [p.url, p]));
  const translationOf = (page, lang) => byUrl.get(pathOf(page.alternates[lang]));
  const hasImage = (p) => /<figure class="lead-image"/.test(p.html);

  const picks = [];
  const missing = [];
  const pick = (label, lang, page, note) => {
    if (page) picks.push({ label, lang, url: page.url, kind: page.kind, note });
    else missing.push(`${label} (${lang})`);
  };
  for (const lang of langs) pick('home', lang, homes.find((p) => p.lang === lang));

  // A section: the one listing press releases if there is one.
  const news = pages.filter((p) => p.kind === 'news');
  const sections = pages.filter((p) => p.kind === 'section');
  const newsSection = (lang) => sections.find((s) => s.lang === lang && news.some((n) => n.lang === lang && n.url.startsWith(s.url)))
    || sections.find((s) => s.lang === lang);
  for (const lang of langs) pick('section', lang, newsSection(lang));

  // A translated release (with a lead image if one exists) in every language.
  const translated = news.filter((p) => p.lang === defaultLang && langs.every((l) => translationOf(p, l)));
  const release = translated.find(hasImage) || translated[0];
  for (const lang of langs) pick('news', lang, release && translationOf(release, lang));
  // A release only in the default language.
  const untranslated = news.find((p) => p.lang === defaultLang && langs.some((l) => l !== defaultLang && !p.alternates[l]));
  pick('news without translation', defaultLang, untranslated);

  // Standards, once the register exists.
  for (const lang of langs) {
    const standard = pages.find((p) => p.kind === 'standard' && p.lang === lang);
    if (standard) pick('standard', lang, standard);
  }
  // A plain page (one without a role if there is one) and the statement.
  for (const lang of langs) {
    const plain = pages.filter((p) => p.kind === 'page' && p.lang === lang && p.role !== 'accessibility');
    pick('page', lang, plain.find((p) => !p.role) || plain[0]);
    pick('accessibility statement', lang, pages.find((p) => p.role === 'accessibility' && p.lang === lang));
  }
  // Every other section (the standards register, …) and one page of every
  // other kind (listings, search, …), so new templates get the same checks.
  for (const s of sections) {
    if (!picks.some((p) => p.url === s.url)) pick('other section', s.lang, s);
  }
  const known = new Set(['home', 'section', 'news', 'standard', 'page', '404']);
  for (const kind of [...new Set(pages.map((p) => p.kind))].filter((k) => !known.has(k)).sort()) {
    for (const lang of langs) {
      const page = pages.filter((p) => p.kind === kind && p.lang === lang).sort((a, b) => a.url.length - b.url.length)[0];
      if (page) pick(kind, lang, page);
    }
  }
  // The 404 page of each language, reached through an address that does not exist.
  for (const lang of langs) {
    const home = homes.find((p) => p.lang === lang);
    if (home) picks.push({ label: '404', lang, url: home.url + MISSING, kind: '404', expectStatus: 404 });
    else missing.push(`404 (${lang})`);
  }
  return { picks, missing, langs, defaultLang, release, untranslated };
}

// ---------------------------------------------------------------- static checks

function resolveLink(page, href) {
  if (!href || /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(href)) return null; // other scheme or host
  let url;
  try { url = new URL(href, 'http://site.invalid' + page.url); } catch { return { broken: true }; }
  return { path: url.pathname, hash: url.hash ? decodeURIComponent(url.hash.slice(1)) : '' };
}

function staticChecks(site, chosen) {
  const pages = site.pages.filter((p) => p.kind && !p.isRedirect);
  const byFile = new Map(site.pages.map((p) => [p.file, p]));
  const targetOf = (page, href) => {
    const link = resolveLink(page, href);
    if (!link || link.broken) return link;
    const file = fileOfUrl(site.root, link.path);
    return { ...link, file, page: file ? byFile.get(file) : undefined };
  };

  section('Resources from other hosts (every .html, .css and .svg file)');
  const origins = new Set(pages.map((p) => { try { return new URL(p.canonical).origin; } catch { return null; } }).filter(Boolean));
  const foreign = thirdPartyResources(site, origins);
  if (foreign.length === 0) ok('third-party', `none in ${site.pages.length} HTML, ${site.cssFiles.length} CSS and ${site.svgFiles.length} SVG files`);
  for (const f of foreign) fail('third-party', `${f.file}: ${f.what} loads ${f.url}`);

  section('Internal links and anchors');
  let checked = 0;
  for (const page of site.pages) {
    for (const href of page.links) {
      const target = targetOf(page, href);
      if (!target) continue;
      checked++;
      if (target.broken || !target.file) { fail('links', `${page.rel}: link to ${href} leads nowhere`); continue; }
      if (target.hash && target.page && !target.page.ids.has(target.hash)) fail('links', `${page.rel}: link to ${href}: no element with id "${target.hash}" there`);
    }
  }
  ok('links', `${checked} internal links checked`);

  section('Legal and accessibility pages linked');
  const rolePages = (role) => pages.filter((p) => p.role === role);
  const linksRole = (page, role) => page.links.some((href) => targetOf(page, href)?.page?.role === role);
  for (const [role, name] of [['impressum', 'Impressum'], ['privacy', 'Datenschutzerklärung'], ['accessibility', 'Erklärung zur Barrierefreiheit']]) {
    if (rolePages(role).length === 0) { fail('footer', `no page has role: ${role} (${name}); add one to content/`); continue; }
    const without = pages.filter((p) => !linksRole(p, role));
    if (without.length) fail('footer', `${without.length} pages do not link the ${name}: ${without.map((p) => p.rel).slice(0, 8).join(', ')}`);
    else ok('footer', `all ${pages.length} pages link the ${name}`);
  }
  for (const [role, name] of [['easy-language', 'Leichte Sprache'], ['sign-language', 'Gebärdensprache']]) {
    if (rolePages(role).length === 0) { fail('home', `no page has role: ${role} (${name}); add one to content/`); continue; }
    for (const home of pages.filter((p) => p.kind === 'home')) {
      if (linksRole(home, role)) ok('home', `${home.rel} links ${name}`);
      else fail('home', `${home.rel} does not link ${name}`);
    }
  }

  section('Switcher and alternates');
  for (const page of pages.filter((p) => p.kind !== '404')) {
    if (!page.lang) fail('lang', `${page.rel} has no <html lang>`);
    if (!page.canonical) fail('head', `${page.rel} has no canonical link`);
    if (!page.alternates['x-default']) fail('head', `${page.rel} has no hreflang="x-default" alternate`);
    if (page.lang && !page.alternates[page.lang]) fail('head', `${page.rel} has no hreflang alternate for its own language`);
  }
  ok('head', `lang, canonical and hreflang alternates checked on ${pages.length} pages`);
  return { pages };
}

// ---------------------------------------------------------------- browser checks

async function runAxe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE); // not a <script>: the site's CSP refuses inline scripts
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      })),
      incomplete: result.incomplete.length,
      passes: result.passes.length,
    };
  }, AXE_TAGS);
}

function reportAxe(label, result, axeCounts) {
  axeCounts.push({ label, violations: result.violations.length, passes: result.passes, incomplete: result.incomplete });
  if (result.violations.length === 0) {
    ok('axe', `${label}: 0 violations (${result.passes} rules passed, ${result.incomplete} need manual review)`);
    return;
  }
  for (const v of result.violations) {
    const where = v.nodes.slice(0, 3).map((n) => `${n.target}${n.summary ? ' — ' + n.summary.replace(/\s+/g, ' ') : ''}`).join('; ');
    fail('axe', `${label}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} element(s): ${where}`);
  }
}

async function open(page, origin, url, expectStatus = 200) {
  const response = await page.goto(origin + url, { waitUntil: 'load' });
  const status = response ? response.status() : 0;
  if (status !== expectStatus) fail('server', `${url} answered ${status}, expected ${expectStatus}`);
  return status;
}

async function keyboardCheck(page, origin, pick) {
  await page.goto(origin + pick.url, { waitUntil: 'load' });
  await page.bringToFront();
  await page.keyboard.press('Tab');
  // Let the focus styles apply before measuring (headless Chromium applies
  // :focus a frame after the key press now and then).
  await page.waitForFunction(() => document.activeElement && document.activeElement.matches(':focus'), null, { timeout: 2000 }).catch(() => {});
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.waitForTimeout(50);
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(), cls: el.className, text: el.textContent.trim(), href: el.getAttribute('href'),
      visible: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth,
    };
  });
  const label = `${pick.label} (${pick.lang}) ${pick.url}`;
  if (!first || first.tag !== 'a' || !(first.href || '').startsWith('#')) {
    fail('keyboard', `${label}: the first Tab reached ${first ? `<${first.tag} class="${first.cls}">${first.text}` : 'nothing'}, not the skip link`);
    return;
  }
  if (!first.visible) fail('keyboard', `${label}: the skip link "${first.text}" is not visible when focused`);
  if (!(await focusChangesLook(page))) fail('keyboard', `${label}: the focused skip link looks the same as unfocused`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(50);
  const after = await page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el ? el.tagName.toLowerCase() : null, id: el ? el.id : null };
  });
  const target = first.href.slice(1);
  if (after.tag === 'main' && after.id === target) ok('keyboard', `${label}: Tab → "${first.text}", Enter → focus on <main id="${target}">`);
  else fail('keyboard', `${label}: after following the skip link the focus is on <${after.tag} id="${after.id}">, expected <main id="${target}">`);
}

/** Whether the focused element looks different from when it is not focused. */
async function focusChangesLook(page) {
  const look = () => page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return [s.outlineStyle, s.outlineColor, s.outlineWidth, s.boxShadow, s.backgroundColor, s.color, s.textDecorationLine, s.borderColor, Math.round(r.top)].join('|');
  });
  const focused = await look();
  const blurred = await page.evaluate(() => {
    const el = document.activeElement;
    el.blur();
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const value = [s.outlineStyle, s.outlineColor, s.outlineWidth, s.boxShadow, s.backgroundColor, s.color, s.textDecorationLine, s.borderColor, Math.round(r.top)].join('|');
    el.focus({ focusVisible: true });
    return value;
  });
  return focused !== blurred;
}

/** Tabs through the first `count` focusable elements: each must show that it has focus. */
async function focusVisibleCheck(page, origin, pick, count) {
  await page.goto(origin + pick.url, { waitUntil: 'load' });
  await page.bringToFront();
  const invisible = [];
  let seen = 0;
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const what = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      return `<${el.tagName.toLowerCase()}> "${(el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
    });
    if (!what) break;
    seen++;
    if (!(await focusChangesLook(page))) invisible.push(what);
  }
  if (invisible.length) fail('focus', `${pick.url}: no visible focus on ${invisible.join(', ')}`);
  else ok('focus', `${pick.url}: the first ${seen} Tab stops all show a visible focus`);
}

async function reflowCheck(page, pick, width) {
  const overflow = await page.evaluate(() => {
    const doc = document.documentElement;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1 && getComputedStyle(el).position !== 'absolute')
      .slice(0, 3)
      .map((el) => `<${el.tagName.toLowerCase()}${el.className ? ` class="${el.className}"` : ''}>`);
    return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
  });
  if (overflow.scroll > overflow.client) fail('reflow', `${pick.label} (${pick.lang}) at ${width} px scrolls sideways (${overflow.scroll} > ${overflow.client} px): ${overflow.wide.join(', ')}`);
  return overflow.scroll <= overflow.client;
}

async function releaseChecks(page, origin, releases, homes, defaultLang) {
  let withImage = 0;
  for (const release of releases) {
    await page.goto(origin + release.url, { waitUntil: 'load' });
    const info = await page.evaluate(() => {
      const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : '');
      const dateline = document.querySelector('.dateline');
      const time = dateline && dateline.querySelector('time[datetime]');
      const figure = document.querySelector('figure.lead-image');
      const img = figure && figure.querySelector('img');
      const switcher = [...document.querySelectorAll('.language-switcher a')].map((a) => ({
        href: a.getAttribute('href'), lang: a.getAttribute('lang'), hreflang: a.getAttribute('hreflang'),
        name: text(a.querySelector('.switcher-name')) || text(a), note: text(a.querySelector('.switcher-note')),
        noteLang: a.querySelector('.switcher-note') ? a.querySelector('.switcher-note').closest('[lang]').getAttribute('lang') : null,
      }));
      return {
        h1: text(document.querySelector('main h1')),
        dateline: text(dateline),
        place: text(dateline && dateline.querySelector('.place')),
        datetime: time ? time.getAttribute('datetime') : null,
        timeText: text(time),
        image: figure ? {
          hasAlt: img ? img.hasAttribute('alt') : false,
          alt: img ? img.getAttribute('alt') : null,
          loaded: img ? img.complete && img.naturalWidth > 0 : false,
          caption: text(figure.querySelector('.caption')),
          credit: text(figure.querySelector('.credit')),
        } : null,
        contacts: document.querySelectorAll('.press-contact a[href^="mailto:"]').length,
        boilerplates: [...document.querySelectorAll('.boilerplate')].map((b) => ({ heading: text(b.querySelector('h2')), text: text(b.querySelector('p')) })),
        alternates: Object.fromEntries([...document.querySelectorAll('link[rel="alternate"][hreflang]')].map((l) => [l.hreflang, new URL(l.href).pathname])),
        switcher,
      };
    });
    const label = `${release.rel}`;
    const problems = [];
    if (!info.h1) problems.push('no <h1>');
    if (!info.dateline) problems.push('no dateline (.dateline)');
    if (!info.datetime || !ISO_DATETIME.test(info.datetime)) problems.push(`dateline without <time datetime> in ISO 8601 (found ${JSON.stringify(info.datetime)})`);
    if (!info.timeText) problems.push('the <time> element is empty');
    if (info.image) {
      if (!info.image.hasAlt) problems.push('lead image without alt attribute');
      if (!info.image.loaded) problems.push('lead image does not load');
      if (!info.image.credit) problems.push('lead image without credit');
      if (info.image.alt && info.image.caption && info.image.credit) withImage++;
    }
    if (info.contacts === 0) problems.push('no press contact with an email link (.press-contact)');
    if (info.boilerplates.length === 0 || info.boilerplates.some((b) => !b.heading || !b.text)) problems.push('no boilerplate ("Über …") of the publishing associations');
    // The switcher: the translation where there is one, else that language's home, saying so.
    for (const entry of info.switcher) {
      if (entry.lang !== entry.hreflang || !entry.lang) problems.push(`switcher link to ${entry.href} lacks matching lang/hreflang`);
      const translation = info.alternates[entry.lang];
      if (translation) {
        if (entry.href !== translation) problems.push(`switcher leads to ${entry.href}, but the ${entry.lang} version is ${translation}`);
        if (entry.note) problems.push(`switcher says "${entry.note}" although the page is translated`);
      } else {
        const home = homes.find((h) => h.lang === entry.lang);
        if (!home || entry.href !== home.url) problems.push(`no ${entry.lang} version: the switcher should lead to ${home ? home.url : 'the home page'}, not ${entry.href}`);
        if (!entry.note) problems.push(`no ${entry.lang} version, but the switcher does not say so`);
        if (entry.noteLang !== entry.lang) problems.push(`the switcher's note is not marked lang="${entry.lang}"`);
      }
    }
    if (problems.length) fail('release', `${label}: ${problems.join('; ')}`);
    else {
      const untranslated = info.switcher.filter((e) => !info.alternates[e.lang]);
      const extra = untranslated.length ? `; no translation, switcher → ${untranslated.map((e) => `${e.href} "${e.name} – ${e.note}"`).join(', ')}` : '';
      ok('release', `${label}: dateline "${info.dateline}", <time datetime="${info.datetime}">${info.image ? `, image alt/caption/credit "${info.image.credit}"` : ''}, ${info.contacts} contact(s), ${info.boilerplates.length} boilerplate(s)${extra}`);
    }
  }
  if (withImage === 0) fail('release', 'no press release has a lead image with alt text, caption and credit, so those were not checked; add one to content/news/');
  const untranslated = releases.filter((r) => r.lang === defaultLang && Object.keys(r.alternates).filter((l) => l !== 'x-default').length === 1);
  if (untranslated.length === 0) fail('release', `no press release exists only in ${defaultLang}; the switcher's fallback was not checked`);
}

async function noJavaScriptCheck(context, origin, picks) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  for (const pick of picks) {
    await page.goto(origin + pick.url, { waitUntil: 'load' });
    const info = await page.evaluate(() => ({
      main: (document.querySelector('main')?.innerText || '').trim().length,
      h1: (document.querySelector('main h1')?.innerText || '').trim(),
      nav: [...document.querySelectorAll('nav a[href]')].filter((a) => a.offsetWidth > 0 && a.offsetHeight > 0).length,
      hidden: [...document.querySelectorAll('main, nav, footer')].filter((el) => el.offsetHeight === 0).length,
    }));
    if (info.main < 40 || !info.h1 || info.nav < 2 || info.hidden) fail('no-js', `${pick.label} (${pick.lang}) without JavaScript: main text ${info.main} chars, h1 "${info.h1}", ${info.nav} visible nav links, ${info.hidden} hidden landmarks`);
  }
  ok('no-js', `${picks.length} pages show their heading, text and navigation with JavaScript disabled`);
  await page.close();
}

async function printCheck(page, origin, pick) {
  await page.goto(origin + pick.url, { waitUntil: 'load' });
  await page.emulateMedia({ media: 'print' });
  const info = await page.evaluate(() => {
    const shown = (sel) => [...document.querySelectorAll(sel)].some((el) => el.offsetHeight > 0);
    return { nav: shown('.main-nav'), switcher: shown('.language-switcher'), onlineVersion: shown('.print-only'), contact: shown('.press-contact'), boilerplate: shown('.boilerplate') };
  });
  await page.emulateMedia({ media: 'screen' });
  if (info.nav || info.switcher || !info.onlineVersion || !info.contact || !info.boilerplate) fail('print', `${pick.url} printed: ${JSON.stringify(info)}`);
  else ok('print', `${pick.url}: navigation hidden, contact, boilerplate and the online address printed`);
}

// ---------------------------------------------------------------- main

async function main() {
  const siteDir = path.resolve(process.argv[2] || 'public');
  const shotDir = path.resolve(process.argv[3] || path.join(__dirname, '..', '..', 'docs', 'screenshots'));
  if (!fs.existsSync(path.join(siteDir, 'index.html'))) throw new Error(`${siteDir} has no index.html: build the site first (cargo run -- build)`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run tests/browser/install.sh (apt-get install -y chromium)`);

  console.log(`Testing ${siteDir} with axe-core ${AXE_VERSION} (${AXE_TAGS.join(', ')})`);
  const site = readSite(siteDir);
  const chosen = choosePages(site);
  section('Pages per template and language');
  for (const p of chosen.picks) console.log(`  ${p.label.padEnd(26)} ${p.lang}  ${p.url}`);
  for (const m of chosen.missing) fail('coverage', `no page found for ${m}`);

  const { pages } = staticChecks(site, chosen);

  const server = await startServer(siteDir);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommhub-chromium-'));
  let context;
  const axeCounts = [];
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      reducedMotion: 'reduce',
    });
    // Nothing may leave 127.0.0.1: requests elsewhere are recorded and refused.
    const foreign = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.origin + '/') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    const cspViolations = watchCsp(context);
    const page = context.pages()[0] || (await context.newPage());
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(String(e)));

    section(`axe on every page at 1280 px (${pages.length} pages)`);
    for (const p of pages) {
      await open(page, server.origin, p.url);
      reportAxe(`${p.url} (${p.lang}, ${p.kind}${p.role ? ', ' + p.role : ''})`, await runAxe(page), axeCounts);
    }
    for (const pick of chosen.picks.filter((p) => p.kind === '404')) {
      const status = await open(page, server.origin, pick.url, 404);
      const lang = await page.evaluate(() => document.documentElement.lang);
      if (lang !== pick.lang) fail('404', `${pick.url} (status ${status}) shows the ${lang} 404 page, expected ${pick.lang}`);
      reportAxe(`${pick.url} (${pick.lang}, 404 via a missing address)`, await runAxe(page), axeCounts);
    }

    section('axe and reflow at 320 px, reflow at 640 px (200 % zoom), one page per template and language');
    for (const pick of chosen.picks) {
      await page.setViewportSize({ width: 320, height: 800 });
      await open(page, server.origin, pick.url, pick.expectStatus || 200);
      reportAxe(`${pick.url} (${pick.lang}, ${pick.label}) at 320 px`, await runAxe(page), axeCounts);
      const narrow = await reflowCheck(page, pick, 320);
      await page.setViewportSize({ width: 640, height: 450 });
      await page.waitForTimeout(20);
      const zoomed = await reflowCheck(page, pick, 640);
      if (narrow && zoomed) ok('reflow', `${pick.url}: no sideways scrolling at 320 px and 640 px`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    section('Keyboard: skip link and visible focus');
    for (const pick of chosen.picks) await keyboardCheck(page, server.origin, pick);
    for (const pick of chosen.picks.filter((p) => p.label === 'home' || p.label === 'news')) await focusVisibleCheck(page, server.origin, pick, 30);

    section('Press releases');
    const homes = pages.filter((p) => p.kind === 'home');
    await releaseChecks(page, server.origin, pages.filter((p) => p.kind === 'news'), homes, chosen.defaultLang);

    section('Without JavaScript, and printed');
    await noJavaScriptCheck(context, server.origin, chosen.picks);
    const printable = chosen.picks.find((p) => p.label === 'news');
    if (printable) await printCheck(page, server.origin, printable);

    section('Screenshots');
    fs.mkdirSync(shotDir, { recursive: true });
    const shots = [];
    for (const lang of chosen.langs) {
      const home = chosen.picks.find((p) => p.label === 'home' && p.lang === lang);
      const release = chosen.picks.find((p) => p.label === 'news' && p.lang === lang);
      for (const [name, pick] of [['home', home], ['release', release]]) {
        if (!pick) continue;
        for (const [size, viewport] of [['desktop', { width: 1280, height: 900 }], ['mobile', { width: 375, height: 812 }]]) {
          await page.setViewportSize(viewport);
          await page.goto(server.origin + pick.url, { waitUntil: 'load' });
          const file = path.join(shotDir, `${name}-${lang}-${size}.png`);
          await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
          shots.push(path.relative(process.cwd(), file));
        }
      }
    }
    ok('screenshots', shots.join(', '));

    section('Privacy at run time');
    if (foreign.length) for (const url of [...new Set(foreign)]) fail('third-party', `the browser was asked to load ${url}`);
    else ok('third-party', 'the browser requested nothing outside 127.0.0.1');
    const cookies = await context.cookies();
    const storage = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
    if (cookies.length || storage.local || storage.session || storage.cookie) fail('storage', `cookies ${JSON.stringify(cookies)}, localStorage ${storage.local}, sessionStorage ${storage.session}`);
    else ok('storage', 'no cookies, nothing in localStorage or sessionStorage');
    if (consoleErrors.length) fail('script', `errors in the page: ${consoleErrors.slice(0, 3).join('; ')}`);
    if (cspViolations.length) fail('csp', `${cspViolations.length} Content-Security-Policy reports in the console: ${cspViolations.slice(0, 3).join('; ')}`);
    else ok('csp', 'no Content-Security-Policy report in the console of any page');

    section('axe summary');
    const clean = axeCounts.filter((a) => a.violations === 0).length;
    const templates = new Set(chosen.picks.map((p) => `${p.label}/${p.lang}`));
    console.log(`  ${axeCounts.length} axe runs, ${clean} with 0 violations, covering ${templates.size} template/language pairs: ${[...templates].join(', ')}`);
    if (axeCounts.length < 10) fail('coverage', `axe ran on only ${axeCounts.length} pages; at least 10 are required`);
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
    if (failures.length) {
      console.log(`\nBROWSER TESTS FAILED (${failures.length}):`);
      for (const f of failures) console.log(`  - ${f}`);
      process.exitCode = 1;
    } else {
      console.log('\nBrowser tests passed.');
    }
  });

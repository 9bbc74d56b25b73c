'use strict';
// Reading the built site without a browser: which pages exist, what they
// link to and which resources they load. The HTML is kommhub's own output,
// so a careful tag scanner is enough; no parser dependency.

const fs = require('fs');
const path = require('path');

function walk(root, filter) {
  const out = [];
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && filter(entry.name)) out.push(full);
    }
  };
  visit(root);
  return out;
}

const TAG = /<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>\/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const ATTR = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function decodeEntities(text) {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Every start tag of `html` as { name, attrs, index }; comments, scripts and styles skipped. */
function tags(html) {
  const cleaned = html
    .replace(/<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length))
    .replace(/(<(script|style)\b[^>]*>)([\s\S]*?)(<\/\2>)/gi, (m, open, _n, body, close) => open + ' '.repeat(body.length) + close);
  const out = [];
  for (const match of cleaned.matchAll(TAG)) {
    const attrs = {};
    for (const a of (match[2] || '').matchAll(ATTR)) {
      const value = a[2] ?? a[3] ?? a[4] ?? '';
      attrs[a[1].toLowerCase()] = decodeEntities(value);
    }
    out.push({ name: match[1].toLowerCase(), attrs, index: match.index });
  }
  return out;
}

function styleBlocks(html) {
  return [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]);
}

/** `presse/kooperation/index.html` -> `/presse/kooperation/`. */
function urlOfFile(root, file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  if (rel === 'index.html') return '/';
  if (rel.endsWith('/index.html')) return '/' + rel.slice(0, -'index.html'.length);
  return '/' + rel;
}

/** The file that serves site path `urlPath`, or null. */
function fileOfUrl(root, urlPath) {
  let decoded;
  try { decoded = decodeURIComponent(urlPath); } catch { return null; }
  const full = path.join(root, path.normalize(decoded));
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  try {
    const stat = fs.statSync(full);
    if (stat.isFile()) return full;
    if (stat.isDirectory()) {
      const index = path.join(full, 'index.html');
      return fs.existsSync(index) ? index : null;
    }
  } catch { /* missing */ }
  return null;
}

/** Everything the tests need to know about one HTML file. */
function readPage(root, file) {
  const html = fs.readFileSync(file, 'utf8');
  const all = tags(html);
  const first = (name) => all.find((t) => t.name === name);
  const bodyClass = (first('body')?.attrs.class || '').split(/\s+/).filter(Boolean);
  const kind = (bodyClass.find((c) => c.startsWith('kind-')) || '').slice(5) || null;
  const role = (bodyClass.find((c) => c.startsWith('role-')) || '').slice(5) || null;
  const alternates = {};
  let canonical = null;
  for (const t of all.filter((t) => t.name === 'link')) {
    const rel = (t.attrs.rel || '').toLowerCase().split(/\s+/);
    if (rel.includes('alternate') && t.attrs.hreflang) alternates[t.attrs.hreflang] = t.attrs.href;
    if (rel.includes('canonical')) canonical = t.attrs.href;
  }
  const ids = new Set(all.filter((t) => t.attrs.id).map((t) => t.attrs.id));
  const links = all.filter((t) => t.name === 'a' && 'href' in t.attrs).map((t) => t.attrs.href);
  return {
    file,
    rel: path.relative(root, file).split(path.sep).join('/'),
    url: urlOfFile(root, file),
    html,
    tags: all,
    lang: first('html')?.attrs.lang || null,
    kind,
    role,
    alternates,
    canonical,
    ids,
    links,
    isRedirect: all.some((t) => t.name === 'meta' && (t.attrs['http-equiv'] || '').toLowerCase() === 'refresh'),
  };
}

function readSite(root) {
  root = path.resolve(root);
  const htmlFiles = walk(root, (n) => n.endsWith('.html'));
  const pages = htmlFiles.map((f) => readPage(root, f));
  const cssFiles = walk(root, (n) => n.endsWith('.css'));
  const svgFiles = walk(root, (n) => n.endsWith('.svg'));
  return { root, pages, cssFiles, svgFiles };
}

// ---------- third-party resources ----------

const LOADING_RELS = new Set(['stylesheet', 'icon', 'shortcut', 'apple-touch-icon', 'apple-touch-icon-precomposed', 'mask-icon', 'preload', 'modulepreload', 'prefetch', 'prerender', 'preconnect', 'dns-prefetch', 'manifest']);

const isAbsolute = (u) => /^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(u);

function cssResources(css) {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const out = [];
  for (const m of text.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/gi)) out.push({ what: 'CSS url()', url: m[1] ?? m[2] ?? m[3] });
  for (const m of text.matchAll(/@import\s+(?:url\(\s*)?(?:"([^"]*)"|'([^']*)'|([^\s;)]+))/gi)) out.push({ what: 'CSS @import', url: m[1] ?? m[2] ?? m[3] });
  return out;
}

function srcsetUrls(srcset) {
  return srcset.split(',').map((part) => part.trim().split(/\s+/)[0]).filter(Boolean);
}

/** Resources the markup of `html` would load: [{ what, url }]. */
function htmlResources(html) {
  const out = [];
  const add = (what, url) => { if (url !== undefined && url !== null && url !== '') out.push({ what, url }); };
  for (const t of tags(html)) {
    const a = t.attrs;
    switch (t.name) {
      case 'script': add('<script src>', a.src); break;
      case 'img': add('<img src>', a.src); if (a.srcset) srcsetUrls(a.srcset).forEach((u) => add('<img srcset>', u)); break;
      case 'source': add('<source src>', a.src); if (a.srcset) srcsetUrls(a.srcset).forEach((u) => add('<source srcset>', u)); break;
      case 'iframe': case 'frame': add(`<${t.name} src>`, a.src); break;
      case 'video': add('<video src>', a.src); add('<video poster>', a.poster); break;
      case 'audio': add('<audio src>', a.src); break;
      case 'track': add('<track src>', a.src); break;
      case 'embed': add('<embed src>', a.src); break;
      case 'object': add('<object data>', a.data); break;
      case 'input': if ((a.type || '').toLowerCase() === 'image') add('<input type=image src>', a.src); break;
      case 'image': case 'use': case 'feimage': add(`<${t.name} href>`, a.href || a['xlink:href']); break;
      case 'link': {
        const rels = (a.rel || '').toLowerCase().split(/\s+/);
        if (rels.some((r) => LOADING_RELS.has(r))) add(`<link rel="${a.rel}">`, a.href);
        if (a.imagesrcset) srcsetUrls(a.imagesrcset).forEach((u) => add('<link imagesrcset>', u));
        break;
      }
      default: break;
    }
    if (a.style) cssResources(a.style).forEach((r) => add(`${r.what} in style=""`, r.url));
  }
  for (const block of styleBlocks(html)) cssResources(block).forEach((r) => add(`${r.what} in <style>`, r.url));
  return out;
}

/** Resources loaded from another host, in every .html, .css and .svg file. */
function thirdPartyResources(site, allowedOrigins) {
  const found = [];
  const check = (file, list) => {
    for (const r of list) {
      if (!isAbsolute(r.url)) continue;
      let origin = null;
      try { origin = new URL(r.url.trim().startsWith('//') ? 'https:' + r.url.trim() : r.url.trim()).origin; } catch { /* odd URL */ }
      if (origin && allowedOrigins.has(origin)) continue;
      found.push({ file: path.relative(site.root, file), what: r.what, url: r.url });
    }
  };
  for (const page of site.pages) check(page.file, htmlResources(page.html));
  for (const file of site.cssFiles) check(file, cssResources(fs.readFileSync(file, 'utf8')));
  for (const file of site.svgFiles) check(file, htmlResources(fs.readFileSync(file, 'utf8')));
  return found;
}

module.exports = { readSite, fileOfUrl, thirdPartyResources, htmlResources, cssResources, isAbsolute, tags };

// Tests of the search engine (src/search/engine.js) in Node, without a
// browser: its matching rules, excerpts, and searches on a built site's
// real index: the query file's queries (search-queries.json, when the
// site is the repository's own), and checks any site's index must pass,
// made from its own pages (also run on the generated benchmark corpus).
//
//   node engine-tests.mjs <site-folder> [queries.json]
//
// The engine fetches its files relative to its own address; here `fetch`
// reads them from the site folder. Exits 1 with a list of what failed.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ownPages } from './lib/own-pages.mjs';

const site = path.resolve(process.argv[2] || 'public');
const failures = [];
function check(condition, message) {
  if (condition) console.log(`  ✓ ${message}`);
  else {
    failures.push(message);
    console.log(`  ✗ ${message}`);
  }
}

globalThis.fetch = async (url) => {
  const file = fileURLToPath(url);
  if (!fs.existsSync(file)) return { ok: false, status: 404, json: async () => null };
  return { ok: true, status: 200, json: async () => JSON.parse(fs.readFileSync(file, 'utf8')) };
};

/** The engine of `lang`, imported from the site (as .mjs, which Node needs). */
async function engine(lang) {
  const folder = path.join(site, 'search-index', lang);
  const copy = path.join(folder, 'engine.test.mjs');
  fs.copyFileSync(path.join(folder, 'engine.js'), copy);
  try {
    return await import(pathToFileURL(copy).href);
  } finally {
    fs.rmSync(copy);
  }
}

async function urls(api, query, limit = Infinity) {
  const { results } = await api.search(query);
  return Promise.all(results.slice(0, limit).map(async (r) => (await r.data()).url));
}

const de = await engine('de');
const en = await engine('en');

console.log('== Query words');
check(JSON.stringify(de.terms('Die OZG-Änderung, die x')) === '["die","ozg","aenderung"]', 'folded, split at punctuation, one-letter words and repeats dropped');
check(JSON.stringify(de.terms('Straße STRASSE Café 12/2025 20.01.2025')) === '["strasse","cafe","12/2025","20.01.2025"]', 'ß and ss, case and accents fold alike; running numbers and dates stay one word');

console.log('== Matching rules');
check(de.match('kooperation', 'kooperation', '') === 1, 'the same word matches fully');
check(de.match('kooperationen', 'kooperation', '') === 1, 'another inflection of the stem matches fully');
check(de.match('vereinbarungen', 'vereinbarung', 'vereinbar') === 1, '"Vereinbarungen" finds "Vereinbarung" by its stem');
check(de.match('verwaltung', 'verwaltungsportal', '') === 0.6, 'a longer word (compound) matches, weaker');
check(de.match('digitalisierung', 'digital', '') === 0, 'a much longer query word does not match a short stem');
check(de.match('ab', 'xy', '') === 0, 'unrelated words do not match');
check(de.match('mangel', 'man', '') === 0, 'a short word is no stem of a longer one ("man" of "Mangel")');
check(de.match('zugang', 'zugangsgesetz', '', true) === 0.4 && de.match('gesetz', 'gesetz', '', true) === 0.5, 'a part of a compound matches below a whole word');
check(de.match('gesetz', 'gesetz', '') > de.match('gesetz', 'gesetz', '', true), 'a whole-word hit ranks above the same part');

check(JSON.stringify(de.pages('2A5E19')) === '[[2,10],[7,14],[8,9]]' && JSON.stringify(de.pages('e13eV_')) === '[[40,3],[1040,63]]', 'postings: gaps in digits of 32 and a weight per page');

console.log('== Folding and typos');
check(de.fold('Bürgerbüro') === 'buergerbuero' && de.fold('Buergerbuero') === 'buergerbuero', 'ü and ue fold alike');
check(de.fold('Straße') === 'strasse' && de.fold('STRASSE') === 'strasse', 'ß and ss, upper and lower case fold alike');
check(de.fold('Café') === 'cafe' && de.fold('Øre') === 'ore', 'other accents come off (é → e, ø → o)');
check(de.oneEdit('kooperatoin', 'kooperation') && de.oneEdit('digitalisirung', 'digitalisierung') && de.oneEdit('schulungsreihr', 'schulungsreihe') && de.oneEdit('mangell', 'mangel'), 'one edit: swapped, left out, wrong or added letter');
check(!de.oneEdit('kooperation', 'kooperation') && !de.oneEdit('koperatoin', 'kooperation') && !de.oneEdit('abcd', 'abdcx'), 'the same word or two edits are not one edit');

const split = ['7665', '766572', '76657277', '7a75'];
check(JSON.stringify(de.typoFiles(split, 'verwaltung', 10)) === '["76657277"]', 'a long word\'s typos are looked for only in the deepest list its start leads to, not in the short words kept above');
check(JSON.stringify(de.typoFiles(split, 'verein', 6)) === '["7665","766572"]', 'a short word\'s typos are looked for in the lists of short words along its start');
check(JSON.stringify(de.typoFiles(['76'], 'verwaltung', 10)) === '["76"]' && de.typoFiles(split, 'abcdef', 6).length === 0, 'an unsplit list is read whole; a start no list has loads nothing');

console.log('== Excerpts');
const long = Array.from({ length: 100 }, (_, i) => `wort${i}`).join(' ');
const around = de.excerpt(long, new Set(['wort40']));
check(around.includes('<mark>wort40</mark>') && around.startsWith('… ') && around.endsWith(' …'), `a match deep in the text is shown with its context: ${around.slice(0, 50)}…`);
check(de.excerpt('a <script>x</script> & b', new Set(['x'])).includes('&lt;script&gt;<mark>x</mark>&lt;/script&gt; &amp;'), 'text is escaped, only <mark> is markup');
check(de.excerpt('Kurz.', new Set()) === 'Kurz.', 'a short text without match is shown whole');
check(de.excerpt('Das Onlinezugangsgesetz gilt.', new Set(), ['zugang']) === 'Das Online<mark>zugang</mark>sgesetz gilt.', 'a part is marked inside its compound');
check(de.excerpt('Der Fachkräftemangel wächst.', new Set(), ['kraefte']) === 'Der Fach<mark>kräfte</mark>mangel wächst.', 'a folded part is marked in the letters as written');
check(de.excerpt('Im Bürgerbüro.', new Set(['buergerbuero'])) === 'Im <mark>Bürgerbüro</mark>.', 'a folded word is marked as written');

console.log(`== Searches on ${site}`);
const meta = JSON.parse(fs.readFileSync(path.join(site, 'search-index', 'de', 'index.json'), 'utf8'));
check(meta.pages > 0 && meta.shards.length > 0, `the German index has ${meta.pages} pages in ${meta.shards.length} shards`);
check((await urls(de, 'Quargelbrötchenfabrik')).length === 0, 'a word in no page finds nothing');
check((await urls(de, 'x')).length === 0, 'a one-letter query finds nothing');
const { results, facets } = await de.search('Verwaltung');
const first = results.length ? await results[0].data() : {};
check(Boolean(first.meta && first.meta.title) && /<mark>/.test(first.excerpt || ''), `a result has a title and an excerpt with marks: "${first.meta && first.meta.title}"`);
check(results.every((r, i) => i === 0 || results[i - 1].score >= r.score), 'results come best first');
const kinds = facets.find((f) => f.name === 'kind');
check(kinds && kinds.values.reduce((n, v) => n + v.count, 0) === results.length, `every result has a kind: ${kinds && kinds.values.map((v) => `${v.label} ${v.count}`).join(', ')}`);
const english = await urls(en, 'the', 50);
check(english.length > 0 && english.every((u) => u.includes('/en/')), `the English index finds only English pages (${english.length} of the first 50 checked)`);

console.log(`== The index's own pages, found as readers type (${site})`);
for (const [lang, api] of [['de', de], ['en', en]]) {
  const folder = path.join(site, 'search-index', lang);
  const info = JSON.parse(fs.readFileSync(path.join(folder, 'index.json'), 'utf8'));
  const readRecord = async (n) => JSON.parse(fs.readFileSync(path.join(folder, 'p', `${n}.json`), 'utf8'));
  await ownPages(api, info, readRecord, check);
}

const queryFile = process.argv[3] || path.join(path.dirname(fileURLToPath(import.meta.url)), 'search-queries.json');
const { queries } = JSON.parse(fs.readFileSync(queryFile, 'utf8'));
const known = new Set();
for (const lang of ['de', 'en']) {
  const info = JSON.parse(fs.readFileSync(path.join(site, 'search-index', lang, 'index.json'), 'utf8'));
  for (let n = 0; n < info.pages; n += info.chunk) {
    for (const record of JSON.parse(fs.readFileSync(path.join(site, 'search-index', lang, 'p', `${n / info.chunk}.json`), 'utf8'))) known.add(record.url);
  }
}
if (queries.every((q) => (q.find || []).every((u) => known.has(u)))) {
  console.log(`== ${queries.length} queries of ${path.basename(queryFile)}`);
  for (const q of queries) await query(q);
} else {
  console.log(`  - ${path.basename(queryFile)} skipped: its pages are not on this site`);
}

/** One query of the query file. */
async function query(q) {
  const api = q.lang === 'en' ? en : de;
  const { results: all } = await api.search(q.query);
  const chosen = Object.entries(q.filter || {});
  const results = all.filter((r) => chosen.every(([name, value]) => [].concat(r.facets[name] ?? []).includes(value)));
  const found = await Promise.all(results.map(async (r) => (await r.data()).url));
  const label = `${q.lang} "${q.query}"${chosen.length ? ` [${chosen.map(([k, v]) => `${k}=${v}`).join(', ')}]` : ''} (${q.why})`;
  if (q.none) return check(found.length === 0, `${label}: nothing (${found.join(', ') || 'nothing'})`);
  const missing = (q.find || []).filter((u) => !found.includes(u));
  const problems = missing.map((u) => `misses ${u}`);
  if (q.first && found[0] !== q.first) problems.push(`first is ${found[0]}, not ${q.first}`);
  if (q.only) problems.push(...found.filter((u) => !q.find.includes(u)).map((u) => `also finds ${u}`));
  if (q.mark) {
    const at = found.indexOf(q.find[0]);
    const data = at >= 0 ? await results[at].data() : { excerpt: '' };
    const marks = [...data.excerpt.matchAll(/<mark>([^<]*)<\/mark>/g)].map((m) => m[1]);
    if (!marks.includes(q.mark)) problems.push(`marks ${marks.join(', ') || 'nothing'}, not ${q.mark}`);
  }
  check(problems.length === 0, `${label}: ${problems.join('; ') || `${found.length} results, ${found.slice(0, 4).join(', ')}`}`);
}

if (failures.length) {
  console.log(`\n${failures.length} engine check(s) failed`);
  process.exit(1);
}
console.log('\nall engine checks passed');

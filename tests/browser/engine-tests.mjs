// Tests of the search engine (src/search/engine.js) in Node, without a
// browser: its matching rules, excerpts, and searches on a built site's
// real index.
//
//   node engine-tests.mjs <site-folder>
//
// The engine fetches its files relative to its own address; here `fetch`
// reads them from the site folder. Exits 1 with a list of what failed.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

async function urls(api, query) {
  const { results } = await api.search(query);
  return Promise.all(results.map(async (r) => (await r.data()).url));
}

const de = await engine('de');
const en = await engine('en');

console.log('== Query words');
check(JSON.stringify(de.terms('Die OZG-Änderung, die x')) === '["die","ozg","änderung"]', 'lower-cased, split at punctuation, one-letter words and repeats dropped');

console.log('== Matching rules');
check(de.match('kooperation', 'kooperation', '') === 1, 'the same word matches fully');
check(de.match('kooperationen', 'kooperation', '') === 1, 'another inflection of the stem matches fully');
check(de.match('vereinbarungen', 'vereinbarung', 'vereinbar') === 1, '"Vereinbarungen" finds "Vereinbarung" by its stem');
check(de.match('verwaltung', 'verwaltungsportal', '') === 0.6, 'a longer word (compound) matches, weaker');
check(de.match('digitalisierung', 'digital', '') === 0, 'a much longer query word does not match a short stem');
check(de.match('ab', 'xy', '') === 0, 'unrelated words do not match');

console.log('== Excerpts');
const long = Array.from({ length: 100 }, (_, i) => `wort${i}`).join(' ');
const around = de.excerpt(long, new Set(['wort40']));
check(around.includes('<mark>wort40</mark>') && around.startsWith('… ') && around.endsWith(' …'), `a match deep in the text is shown with its context: ${around.slice(0, 50)}…`);
check(de.excerpt('a <script>x</script> & b', new Set(['x'])).includes('&lt;script&gt;<mark>x</mark>&lt;/script&gt; &amp;'), 'text is escaped, only <mark> is markup');
check(de.excerpt('Kurz.', new Set()) === 'Kurz.', 'a short text without match is shown whole');

console.log(`== Searches on ${site}`);
const meta = JSON.parse(fs.readFileSync(path.join(site, 'search-index', 'de', 'index.json'), 'utf8'));
check(meta.pages > 0 && meta.shards.length > 0, `the German index has ${meta.pages} pages in ${meta.shards.length} shards`);
const coop = await urls(de, 'Kooperationen');
check(coop.some((u) => /kooperation\/$/.test(u)), `"Kooperationen" finds the cooperation release: ${coop.join(', ')}`);
const agreement = await urls(de, 'Vereinbarungen');
check(agreement.some((u) => /kooperation\/$/.test(u)), `"Vereinbarungen" finds it by stem: ${agreement.join(', ')}`);
const both = await urls(de, 'Vereinbarung Onlinezugangsgesetz');
const one = await urls(de, 'Vereinbarung');
check(both.length > 0 && both.length <= one.length && both.every((u) => one.includes(u)), `two words find only pages with both (${both.length} of ${one.length})`);
check((await urls(de, 'Quargelbrötchenfabrik')).length === 0, 'a word in no page finds nothing');
check((await urls(de, 'x')).length === 0, 'a one-letter query finds nothing');
const english = await urls(en, 'agreement');
check(english.length > 0 && english.every((u) => u.includes('/en/')), `the English index finds only English pages: ${english.join(', ')}`);
const { results } = await de.search('Vereinbarungen');
const first = results.length ? await results[0].data() : {};
check(Boolean(first.meta && first.meta.title) && /<mark>/.test(first.excerpt || ''), `a result has a title and an excerpt with marks: "${first.meta && first.meta.title}"`);
check(results.every((r, i) => i === 0 || results[i - 1].score >= r.score), 'results come best first');

if (failures.length) {
  console.log(`\n${failures.length} engine check(s) failed`);
  process.exit(1);
}
console.log('\nall engine checks passed');

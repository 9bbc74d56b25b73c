// kommhub's search engine, written by `kommhub build` into the search
// index of each language (/search-index/<lang>/engine.js) and imported by
// the theme's search page. Format and matching rules: src/search/mod.rs.
//
//   const engine = await import('/search-index/de/engine.js');
//   const { results } = await engine.search('Kooperationen');
//   const { url, meta, excerpt } = await results[0].data();
//
// Loads only files of its own folder, and only when asked: index.json on
// the first search, then the word shards a query needs and the page
// chunks of the results shown. `excerpt` is escaped text with <mark>
// around the matched words.

const base = new URL('./', import.meta.url);
// The browser's rule for words must equal the indexer's (src/search/text.rs):
// runs of letters and digits.
const WORD = /[\p{Alphabetic}\p{N}]+/gu;
const EXCERPT_WORDS = 30;
// An indexed word also matches a query word that starts with its stem and
// goes on for at most this many characters (another inflection).
const MAX_ENDING = 5;

const cache = new Map();
function load(name) {
  if (!cache.has(name)) {
    const loading = fetch(new URL(name, base)).then((response) => {
      if (!response.ok) throw new Error(`${name}: ${response.status}`);
      return response.json();
    });
    loading.catch(() => cache.delete(name));
    cache.set(name, loading);
  }
  return cache.get(name);
}

function hex(text) {
  return [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The distinct query words of at least two characters, lower-cased. */
export function terms(query) {
  const out = [];
  for (const match of query.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if ([...word].length >= 2 && !out.includes(word)) out.push(word);
  }
  return out;
}

/** How well an indexed word matches a query word: 1, 0.6 or 0. */
export function match(term, word, stem) {
  if (word === term) return 1;
  const root = stem || word;
  if (root.length >= 3 && term.startsWith(root) && term.length - root.length <= MAX_ENDING) return 1;
  if (word.startsWith(term)) return 0.6;
  return 0;
}

/** Per page, the best weight of any indexed word matching `term`. */
async function lookup(term, shards) {
  const key = hex(term);
  const wanted = shards.filter((k) => key.startsWith(k) || k.startsWith(key));
  const lists = await Promise.all(wanted.map((k) => load(`s/${k}.json`)));
  const weights = new Map();
  const words = new Set();
  for (const [word, stem, postings] of lists.flat()) {
    const factor = match(term, word, stem);
    if (!factor) continue;
    words.add(word);
    // Pages come as gaps to the one before.
    let page = 0;
    for (let i = 0; i + 1 < postings.length; i += 2) {
      page += postings[i];
      const weight = postings[i + 1] * factor;
      if (weight > (weights.get(page) || 0)) weights.set(page, weight);
    }
  }
  return { weights, words };
}

/** The pages matching every word of `query`, best first. */
export async function search(query) {
  const index = await load('index.json');
  const wanted = terms(query);
  if (!wanted.length || !index.pages) return { results: [] };
  const found = await Promise.all(wanted.map((term) => lookup(term, index.shards)));
  found.sort((a, b) => a.weights.size - b.weights.size);
  const words = new Set(found.flatMap((f) => [...f.words]));
  const scored = [];
  for (const page of found[0].weights.keys()) {
    let score = 0;
    for (const { weights } of found) {
      const weight = weights.get(page);
      if (weight === undefined) { score = -1; break; }
      const rarity = Math.log(1 + (index.pages - weights.size + 0.5) / (weights.size + 0.5));
      score += weight * rarity;
    }
    if (score >= 0) scored.push({ page, score });
  }
  scored.sort((a, b) => b.score - a.score || a.page - b.page);
  return {
    results: scored.map(({ page, score }) => ({ score, data: () => data(page, index.chunk, words) })),
  };
}

async function data(page, size, words) {
  const chunk = await load(`p/${Math.floor(page / size)}.json`);
  const record = chunk[page % size];
  return {
    url: record.url,
    meta: { title: record.title, kind: record.kind, date: record.date, date_text: record.date_text },
    excerpt: excerpt(record.text, words),
  };
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escape(text) {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** About thirty words of `text` around the first matched word, matches marked. */
export function excerpt(text, words) {
  const all = [...text.matchAll(WORD)];
  if (!all.length) return escape(text);
  const hit = Math.max(0, all.findIndex((m) => words.has(m[0].toLowerCase())));
  const first = Math.max(0, Math.min(hit - Math.floor(EXCERPT_WORDS / 3), all.length - EXCERPT_WORDS));
  const shown = all.slice(first, first + EXCERPT_WORDS);
  let html = first > 0 ? '… ' : '';
  let at = shown[0].index;
  for (const m of shown) {
    html += escape(text.slice(at, m.index));
    html += words.has(m[0].toLowerCase()) ? `<mark>${escape(m[0])}</mark>` : escape(m[0]);
    at = m.index + m[0].length;
  }
  const last = all[first + shown.length];
  if (last) html += escape(text.slice(at, last.index).trimEnd()) + ' …';
  else html += escape(text.slice(at));
  return html;
}

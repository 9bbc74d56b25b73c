// kommhub's search engine, written by `kommhub build` into the search
// index of each language (/search-index/<lang>/engine.js) and imported by
// the theme's search page. Format and matching rules: src/search/mod.rs.
//
//   const engine = await import('/search-index/de/engine.js');
//   const { results, facets } = await engine.search('Kooperationen');
//   const { url, meta, excerpt, sub_results } = await results[0].data();
//
// Each result also has `page`, its number in the index, and `facets`.
//
// Loads only files of its own folder, and only when asked: index.json on
// the first search, then the word shards a query needs (and, for a word
// that matches nothing fully, the vocabulary files where its typos would
// be), and the page records of the results shown. `excerpt` is escaped
// text with <mark> around the matched words and parts of words.

const base = new URL('./', import.meta.url);
// What a lower-case letter folds to (ä → ae, é → e); written in by
// `kommhub build` from src/search/fold.rs, so both sides fold alike.
const FOLD = /*FOLD*/{};
// The browser's rule for words must equal the indexer's (src/search/text.rs):
// runs of letters and digits; a . or / between two digits joins ("12/2025").
const WORD = /[\p{Alphabetic}\p{N}]+(?:(?<=[0-9])[./](?=[0-9])[\p{Alphabetic}\p{N}]+)*/gu;
const EXCERPT_WORDS = 30;
// An indexed word also matches a query word that starts with its stem and
// goes on for at most this many characters (another inflection), and for
// at most two fewer than the stem has (so „man“ is no stem of „Mangel“).
const MAX_ENDING = 5;
// How much a match counts: the word itself or another inflection, a word
// that starts with the query word, a part of a compound (the part itself,
// a part that starts with it), a word one typo away.
const WHOLE = 1;
const PREFIX = 0.6;
const PART = 0.5;
const PART_PREFIX = 0.4;
const TYPO = 0.3;
// Typos are looked for in query words of this many letters or more.
const MIN_TYPO = 5;
const MAX_TYPO_WORDS = 8;
// A query word loads the shards of longer words only while they are few.
const MAX_PREFIX_SHARDS = 4;
const SUB_RESULTS = 3;
// The digits of postings and facet numbers (src/search/facets.rs).
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';

const cache = new Map();
// A request that fails in the network (not with an HTTP status) is sent
// once more: on a phone between two cells, one lost request should not
// make a search fail.
function fetchOnce(url) {
  return fetch(url).catch(() => fetch(url));
}
function load(name) {
  if (!cache.has(name)) {
    const loading = fetchOnce(new URL(name, base)).then((response) => {
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

/** `word` folded as the index folds it: lower case, ä → ae, ß → ss, é → e. */
export function fold(word) {
  return folding(word).folded;
}

// The folded word and, for each of its characters, where the character it
// came from starts in `word` (and one more entry: the word's length).
function folding(word) {
  let folded = '';
  const from = [];
  let at = 0;
  for (const c of word) {
    for (const lower of c.toLowerCase()) {
      const out = FOLD[lower] ?? lower;
      for (let i = 0; i < out.length; i++) from.push(at);
      folded += out;
    }
    at += c.length;
  }
  from.push(word.length);
  return { folded, from };
}

/** The distinct query words of at least two characters, folded. */
export function terms(query) {
  const out = [];
  for (const match of query.matchAll(WORD)) {
    const word = fold(match[0]);
    if ([...word].length >= 2 && !out.includes(word)) out.push(word);
  }
  return out;
}

/** How well an indexed word (or part, when `part`) matches a query word. */
export function match(term, word, stem, part = false) {
  const root = stem || word;
  const ending = term.length - root.length;
  const whole = word === term || (term.startsWith(root) && ending <= Math.min(MAX_ENDING, root.length - 2));
  if (part) {
    if (whole) return PART;
    return term.length >= 4 && word.startsWith(term) ? PART_PREFIX : 0;
  }
  if (whole) return WHOLE;
  return word.startsWith(term) ? PREFIX : 0;
}

/** Whether `a` and `b` differ by one edit: a letter changed, added, dropped, or two swapped. */
export function oneEdit(a, b) {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The index entries that may match `word`: its shard, and those of longer words while few. */
async function entries(word, shards, longer) {
  const key = hex(word);
  const own = shards.filter((k) => key.startsWith(k));
  const extending = longer ? shards.filter((k) => k.startsWith(key) && !own.includes(k)) : [];
  const wanted = extending.length <= MAX_PREFIX_SHARDS ? own.concat(extending) : own;
  const lists = await Promise.all(wanted.map((k) => load(`s/${k}.json`)));
  return lists.flat();
}

/**
 * How many letters of its start (and of its end) file a word of `chars`
 * letters in the vocabulary, at most (src/search/mod.rs, typo_key_depth):
 * so few that one edit leaves the start or the end whole.
 */
function typoDepth(chars) {
  return Math.max(2, Math.floor((chars - 1) / 2));
}

/** The number of letters a file key (hex of UTF-8) stands for. */
function letters(key) {
  const bytes = new Uint8Array(key.length / 2).map((_, i) => parseInt(key.slice(2 * i, 2 * i + 2), 16));
  return [...new TextDecoder().decode(bytes)].length;
}

/**
 * The vocabulary files (of `keys`) that can hold a word one edit from a
 * query word of `chars` letters whose start (or end, read backwards) is
 * `probe`. The keys that `probe` starts with form a chain, from two
 * letters to the most; a list that grew too large was split by one more
 * letter and kept only its words that may go no deeper. The words wanted
 * have one letter more or less than the query word, so they are in the
 * files no deeper than `typoDepth(chars + 1)` letters, and not in a kept
 * list above `typoDepth(chars - 1)`.
 */
export function typoFiles(keys, probe, chars) {
  const key = hex(probe);
  const chain = keys.filter((k) => key.startsWith(k)).sort((a, b) => a.length - b.length);
  return chain.filter((k, i) => {
    const depth = letters(k);
    return depth <= typoDepth(chars + 1) && (depth >= typoDepth(chars - 1) || i === chain.length - 1);
  });
}

/**
 * Words of the vocabulary one typo away from `term`, from the files of
 * words that start as `term` does and of words that end as it does: the
 * index files each word by no more of its start and of its end than
 * leaves a letter between them, so one edit changes at most one of the
 * two, wherever in the word it is.
 */
async function typos(term, index) {
  const chars = [...term].length;
  const backwards = [...term].reverse().join('');
  const files = typoFiles(index.vocabulary || [], term, chars).map((k) => `v/${k}.json`)
    .concat(typoFiles(index.vocabulary_ends || [], backwards, chars).map((k) => `e/${k}.json`));
  const lists = await Promise.all(files.map((name) => load(name)));
  return [...new Set(lists.flat())].filter((word) => oneEdit(term, word)).slice(0, MAX_TYPO_WORDS);
}

/** Per page, the best weight of any indexed word matching `term`, and what to mark. */
async function lookup(term, index) {
  const found = { term, weights: new Map(), marks: new Set(), inner: new Set() };
  // Typos are looked for unless the query word is itself an indexed word:
  // a stem that matches can be a typo's too („digitalisirung“ starts with
  // the stem of „digitalisieren“).
  let exact = false;
  const add = (postings, factor) => {
    for (const [page, weight] of pages(postings)) {
      if (weight * factor > (found.weights.get(page) || 0)) found.weights.set(page, weight * factor);
    }
  };
  for (const [word, stem, postings, part] of await entries(term, index.shards, true)) {
    const factor = match(term, word, stem, part === 1);
    if (!factor) continue;
    add(postings, factor);
    if (part === 1) found.inner.add(commonStart(term, word));
    else found.marks.add(word);
    exact ||= word === term && part !== 1;
  }
  if (!exact && term.length >= MIN_TYPO && /^\p{L}+$/u.test(term)) {
    for (const near of await typos(term, index)) {
      for (const [word, , postings, part] of await entries(near, index.shards, false)) {
        if (word !== near) continue;
        add(postings, part === 1 ? TYPO * PART : TYPO);
        if (part === 1) found.inner.add(word);
        else found.marks.add(word);
      }
    }
  }
  return found;
}

/**
 * The pages and weights of an entry's postings (src/search/mod.rs,
 * `postings_text`): per page its gap to the one before in digits of 32,
 * least significant first, all but the last marked by adding 32; then
 * the weight as one digit.
 */
export function pages(postings) {
  const out = [];
  let page = 0;
  let i = 0;
  while (i < postings.length) {
    let gap = 0;
    let scale = 1;
    for (;;) {
      const d = ALPHABET.indexOf(postings[i++]);
      if (d < 32) { gap += d * scale; break; }
      gap += (d - 32) * scale;
      scale *= 32;
    }
    page += gap;
    out.push([page, ALPHABET.indexOf(postings[i++])]);
  }
  return out;
}

function commonStart(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/** The facets of page `page` from the index's facet table. */
function facetsOf(table, page) {
  if (!table) return { kind: null, association: [], year: null };
  const digits = table.pages.slice(page * table.width, (page + 1) * table.width);
  let number = 0;
  for (const d of digits) number = number * 64 + ALPHABET.indexOf(d);
  const [kind, associations, year] = table.combos[number] || [0, [], -1];
  return {
    kind: table.kind[kind] ? table.kind[kind][0] : null,
    association: associations.map((a) => table.association[a][0]),
    year: year >= 0 ? table.year[year][0] : null,
  };
}

/**
 * Per facet (kind, association, year), each value with its label and how
 * many of `results` have it; values no result has are left out.
 */
export function facets(results, table) {
  return ['kind', 'association', 'year'].map((name) => {
    const counts = new Map();
    for (const result of results) {
      const value = result.facets[name];
      for (const key of Array.isArray(value) ? value : value === null ? [] : [value]) {
        counts.set(key, (counts.get(key) || 0) + 1);
      }
    }
    const values = (table ? table[name] : [])
      .filter(([key]) => counts.has(key))
      .map(([key, label]) => ({ key, label, count: counts.get(key) }));
    return { name, values };
  });
}

/** The pages matching every word of `query`, best first, and their facets. */
export async function search(query) {
  const index = await load('index.json');
  const wanted = terms(query);
  if (!wanted.length || !index.pages) return { results: [], facets: facets([], index.facets), table: index.facets };
  const found = await Promise.all(wanted.map((term) => lookup(term, index)));
  found.sort((a, b) => a.weights.size - b.weights.size);
  const marks = new Set(found.flatMap((f) => [...f.marks]));
  const inner = [...new Set(found.flatMap((f) => [...f.inner]))].filter((s) => s.length >= 3);
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
  const results = scored.map(({ page, score }) => ({
    page,
    score,
    facets: facetsOf(index.facets, page),
    data: () => data(page, index.chunk, marks, inner),
  }));
  return { results, facets: facets(results, index.facets), table: index.facets };
}

async function data(page, size, marks, inner) {
  const chunk = await load(`p/${Math.floor(page / size)}.json`);
  const record = chunk[page % size];
  return {
    url: record.url,
    meta: { title: record.title, kind: record.kind, date: record.date, date_text: record.date_text },
    excerpt: excerpt(record.text, marks, inner),
    sub_results: subResults(record, marks, inner),
  };
}

/**
 * The sections of a page (from one heading with an id to the next) that
 * hold most matches, at most three, in page order: address with the
 * heading's #anchor, the heading and an excerpt.
 */
function subResults(record, marks, inner) {
  const anchors = record.anchors || [];
  const sections = anchors.map(([at, id, title], i) => {
    const text = record.text.slice(at, i + 1 < anchors.length ? anchors[i + 1][0] : undefined);
    const hits = [...text.matchAll(WORD)].filter((m) => marked(m[0], marks, inner)).length;
    return { at, id, title, text, hits };
  });
  return sections
    .filter((s) => s.hits > 0)
    .sort((a, b) => b.hits - a.hits || a.at - b.at)
    .slice(0, SUB_RESULTS)
    .sort((a, b) => a.at - b.at)
    .map((s) => ({
      url: `${record.url}#${encodeURIComponent(s.id)}`,
      title: s.title,
      excerpt: excerpt(s.text.slice(s.title.length).trimStart() || s.text, marks, inner),
    }));
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escape(text) {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// Where in `word` to mark: the whole word when its folded form is a
// matched word; else each place where a matched part sits inside it.
function marked(word, marks, inner = []) {
  const { folded, from } = folding(word);
  if (marks.has(folded)) return [[0, word.length]];
  const spans = [];
  for (const part of inner) {
    let at = folded.indexOf(part);
    while (at >= 0) {
      spans.push([from[at], from[at + part.length]]);
      at = folded.indexOf(part, at + part.length);
    }
  }
  if (!spans.length) return null;
  spans.sort((a, b) => a[0] - b[0]);
  const merged = [spans[0]];
  for (const [start, end] of spans.slice(1)) {
    const last = merged[merged.length - 1];
    if (start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function markWord(word, spans) {
  if (!spans) return escape(word);
  let html = '';
  let at = 0;
  for (const [start, end] of spans) {
    html += escape(word.slice(at, start)) + `<mark>${escape(word.slice(start, end))}</mark>`;
    at = end;
  }
  return html + escape(word.slice(at));
}

/**
 * About thirty words of `text` around the first matched word, matches
 * marked: words whose folded form is in `marks`, and the parts in `inner`
 * inside other words („Online<mark>zugang</mark>sgesetz“).
 */
export function excerpt(text, marks, inner = []) {
  const all = [...text.matchAll(WORD)];
  if (!all.length) return escape(text);
  const spans = all.map((m) => marked(m[0], marks, inner));
  const hit = Math.max(0, spans.findIndex(Boolean));
  const first = Math.max(0, Math.min(hit - Math.floor(EXCERPT_WORDS / 3), all.length - EXCERPT_WORDS));
  const shown = all.slice(first, first + EXCERPT_WORDS);
  let html = first > 0 ? '… ' : '';
  let at = shown[0].index;
  shown.forEach((m, i) => {
    html += escape(text.slice(at, m.index)) + markWord(m[0], spans[first + i]);
    at = m.index + m[0].length;
  });
  const last = all[first + shown.length];
  if (last) html += escape(text.slice(at, last.index).trimEnd()) + ' …';
  else html += escape(text.slice(at));
  return html;
}

// Checks of the search engine made from an index's own pages, so that
// they hold on any site (the repository's, the generated benchmark
// corpus). Shared by engine-tests.mjs (Node, files read from disk) and
// engine-chromium.js (the same checks run inside Chromium).

/**
 * One typo of each kind at each of a word's first three letters: a letter
 * added before it, the letter left out, changed, or swapped with the next
 * (typos that change a word's start, so that only its end leads to it).
 */
export function startTypos(word) {
  const other = (c) => (c === 'q' ? 'j' : 'q');
  const out = [];
  for (let at = 0; at < 3; at++) {
    const [before, letter, after] = [word.slice(0, at), word[at], word.slice(at + 1)];
    out.push({ what: `a letter added before letter ${at + 1}`, word: before + other(letter) + letter + after });
    out.push({ what: `letter ${at + 1} left out`, word: before + after });
    out.push({ what: `letter ${at + 1} changed`, word: before + other(letter) + after });
    if (letter !== after[0]) out.push({ what: `letters ${at + 1} and ${at + 2} swapped`, word: before + after[0] + letter + after.slice(1) });
  }
  return out;
}

/**
 * Checks made from the index's own pages, so that they hold on any site
 * (the repository's, the generated benchmark corpus): a word with an
 * umlaut typed with ae/oe/ue, a long word with two letters swapped or
 * with a typo among its first three letters, and (in German) a
 * compound's last part each find the page they come from; returns how
 * many of each were made.
 */
export async function ownPages(api, info, readRecord, check) {
  const pagesFound = async (engine, query) => (await engine.search(query)).results.map((r) => r.page);
  const step = Math.max(1, Math.floor(info.pages / 12));
  const picked = { umlaut: 0, typo: 0, start: 0, part: 0 };
  for (let page = 0; page < info.pages; page += step) {
    const record = (await readRecord(Math.floor(page / info.chunk)))[page % info.chunk];
    const words = [...new Set(record.text.match(/[\p{L}]{8,}/gu) || [])];
    const umlaut = words.find((w) => /[äöüß]/.test(w));
    if (umlaut) {
      const typed = umlaut.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
      const found = await pagesFound(api, typed);
      picked.umlaut++;
      check(found.includes(page), `"${typed}" (for ${umlaut}) finds ${record.url} (${found.length} results)`);
    }
    const long = words.find((w) => w.length >= 9 && /^[a-z]+$/i.test(w) && w[4] !== w[5]);
    if (long) {
      const typo = long.slice(0, 4) + long[5] + long[4] + long.slice(6);
      const found = await pagesFound(api, typo);
      picked.typo++;
      check(found.includes(page), `the typo "${typo}" (for ${long}) finds ${record.url} (${found.length} results)`);
    }
    if (long) {
      for (const typo of startTypos(long.toLowerCase())) {
        const found = await pagesFound(api, typo.word);
        picked.start++;
        check(found.includes(page), `the typo "${typo.word}" (${typo.what} in ${long}) finds ${record.url} (${found.length} results)`);
      }
    }
    // Only German words are indexed under their parts.
    const compound = !info.language.startsWith('de') ? undefined : words.find((w) => w.length >= 14 && /[a-zäöü](s|es)(gesetz|verwaltung|dienst|dienste|stelle|portal|leistungen|sicherheit|vereinbarung)$/i.test(w));
    if (compound) {
      const part = compound.match(/(gesetz|verwaltung|dienst|dienste|stelle|portal|leistungen|sicherheit|vereinbarung)$/i)[1];
      const found = await pagesFound(api, part);
      picked.part++;
      check(found.includes(page), `the part "${part}" of ${compound} finds ${record.url} (${found.length} results)`);
    }
  }
  check(picked.umlaut + picked.typo > 0, `checks made from the pages: ${JSON.stringify(picked)}`);
  return picked;
}


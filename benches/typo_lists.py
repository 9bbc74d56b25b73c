#!/usr/bin/env python3
"""How the search index's typo lists would be keyed: a model that compares
ways of filing a vocabulary so the browser finds words one typo away.

Usage: python3 benches/typo_lists.py WORDLIST [SAMPLE]

WORDLIST is one word a line (Debian's German list: `apt-get install
wngerman`, /usr/share/dict/ngerman); SAMPLE takes that many of its words
(default all). Words are folded as the index folds them (ä → ae, accents
off) and kept when they are a–z and four letters or more.

Each scheme files every word in lists keyed by letters of the word,
splitting a list over 24 KB by one more letter as src/search/mod.rs does,
and says which lists a typo query loads. For 400 sampled words, every
single edit (a letter added, dropped, changed, or two neighbours
swapped, at every place) of five letters or more that is not itself a
word is looked up. Printed per scheme: lists, files, the largest file,
what a typo query word loads (median, p99, max) and how many of the
edits lead to their word. Figures go in ARCHITECTURE.md and issue notes.

The model counts a word's JSON size as the index writes it; it does not
build a site. tests/browser/engine-tests.mjs and engine-chromium.js test
the real engine.
"""
import json
import random
import sys
import unicodedata

LIMIT = 24 * 1024
FOLD = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}


def fold(word):
    word = "".join(FOLD.get(c, c) for c in word.lower())
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()


def size(word):
    return len(json.dumps(word)) + 2


def half(word):
    """src/search/mod.rs, typo_key_depth."""
    return max(2, (len(word) - 1) // 2)


def split(entries, depth, cap, out):
    """Files sorted (key, word) pairs by `depth` letters of the key; a list
    over LIMIT splits by one more, keeping the words with cap(word) <= depth."""
    groups = {}
    for key, word in entries:
        groups.setdefault(key[:depth], []).append((key, word))
    for prefix, group in groups.items():
        if sum(size(w) for _, w in group) > LIMIT and depth < 40:
            stay = [(k, w) for k, w in group if len(k) <= depth or cap(w) <= depth]
            deeper = [(k, w) for k, w in group if not (len(k) <= depth or cap(w) <= depth)]
            if stay:
                out.setdefault(prefix, []).extend(w for _, w in stay)
            split(deeper, depth + 1, cap, out)
        else:
            out.setdefault(prefix, []).extend(w for _, w in group)


class Scheme:
    """sides: (keys of a word, probes of a query word, first depth, cap)."""

    def __init__(self, name, vocabulary, sides, by_length=False):
        self.name = name
        self.by_length = by_length
        self.sides = []
        for keys_of, probes_of, depth, cap in sides:
            lists = {}
            split(sorted({(k, w) for w in vocabulary for k in keys_of(w)}), depth, cap, lists)
            self.sides.append((lists, probes_of))

    def loads(self, query):
        """The words and the bytes a typo query loads."""
        words, loaded = set(), 0
        for lists, probes_of in self.sides:
            keys = set()
            for probe in probes_of(query):
                chain = sorted((k for k in lists if probe.startswith(k)), key=len)
                if self.by_length and chain:
                    # engine.js, typoFiles: only where a word a letter
                    # longer or shorter can be filed.
                    most, least = max(2, len(query) // 2), max(2, (len(query) - 2) // 2)
                    chain = [k for k in chain if len(k) <= most and (len(k) >= least or k == chain[-1])]
                keys.update(chain)
            for key in keys:
                loaded += sum(size(w) for w in lists[key])
                words.update(lists[key])
        return words, loaded


def edits(word):
    out = []
    for i in range(len(word) + 1):
        out.append(word[:i] + ("q" if word[i:i + 1] != "q" else "z") + word[i:])
        if i < len(word):
            out.append(word[:i] + word[i + 1:])
            out.append(word[:i] + ("x" if word[i] != "x" else "y") + word[i + 1:])
        if i + 1 < len(word) and word[i] != word[i + 1]:
            out.append(word[:i] + word[i + 1] + word[i] + word[i + 2:])
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        words = sorted({w for w in (fold(l.strip()) for l in f) if len(w) >= 4 and w.isascii() and w.isalpha()})
    random.seed(1)
    if len(sys.argv) > 2:
        words = sorted(random.sample(words, min(int(sys.argv[2]), len(words))))
    known = set(words)
    print(f"{len(words)} words, {sum(size(w) for w in words) / 1e6:.2f} MB as one list")
    same = lambda w: [w]
    back = lambda w: [w[::-1]]
    dels = lambda w: [w] + [w[:i] + w[i + 1:] for i in range(min(3, len(w)))]
    schemes = [
        Scheme("start + fourth letter on (before)", words, [
            (same, same, 2, len), (lambda w: [w[3:]], lambda q: [q[3:]], 1, lambda w: len(w) - 3)]),
        Scheme("start + end, depth capped", words, [(same, same, 2, half), (back, back, 1, half)]),
        Scheme("start + end, capped, lists by query length (the index's)", words,
               [(same, same, 2, half), (back, back, 1, half)], by_length=True),
        Scheme("deletion keys of the first three letters (SymSpell)", words, [(dels, dels, 2, lambda w: 3)]),
    ]
    sample = random.sample([w for w in words if len(w) >= 5], 400)
    for scheme in schemes:
        files = sum(len(lists) for lists, _ in scheme.sides)
        total = sum(size(w) for lists, _ in scheme.sides for ws in lists.values() for w in ws)
        largest = max(sum(size(w) for w in ws) for lists, _ in scheme.sides for ws in lists.values())
        found, tried, loaded = 0, 0, []
        for word in sample:
            for typo in edits(word):
                if len(typo) < 5 or typo in known:
                    continue
                candidates, nbytes = scheme.loads(typo)
                tried += 1
                found += word in candidates
                loaded.append(nbytes)
        loaded.sort()
        print(f"\n{scheme.name}\n  {total / 1e6:.2f} MB in {files} files, largest {largest / 1e3:.1f} kB"
              f"\n  a typo query word loads: median {loaded[len(loaded) // 2] / 1e3:.1f} kB, "
              f"p99 {loaded[int(len(loaded) * .99)] / 1e3:.1f} kB, max {loaded[-1] / 1e3:.1f} kB"
              f"\n  edits found {found}/{tried} ({100 * found / tried:.2f} %)")


if __name__ == "__main__":
    main()

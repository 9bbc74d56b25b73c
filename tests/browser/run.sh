#!/usr/bin/env bash
# Browser, privacy and HTML-validity tests of a built kommhub site.
#
#   tests/browser/run.sh [SITE]      SITE: the built site, default "public";
#                                    a relative path is taken from the current
#                                    folder if it exists there, else from the
#                                    repository root.
#
# Needs /usr/bin/chromium, Node >= 18 and Java (see install.sh). Installs the
# pinned npm packages with `npm ci` when node_modules is missing; needs no
# network otherwise. Serves the site on 127.0.0.1 (a free port) only for the
# duration of the run. Screenshots go to docs/screenshots/.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
site="${1:-public}"
if [[ "$site" != /* ]]; then
  if [[ -d "$site" ]]; then site="$(cd "$site" && pwd)"; else site="$repo/$site"; fi
fi
if [[ ! -f "$site/index.html" ]]; then
  echo "run.sh: $site has no index.html. Build the site first: cargo run -q -- build" >&2
  exit 2
fi

if [[ ! -d "$here/node_modules" ]]; then
  echo "Installing the test's npm packages (npm ci) ..."
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund) || { echo "run.sh: npm ci failed" >&2; exit 2; }
fi

status=0

echo "=== Browser tests (axe, keyboard, links, privacy, press releases, screenshots)"
if ! node "$here/browser-tests.js" "$site" "$repo/docs/screenshots"; then
  status=1
fi

echo
echo "=== Search engine in Node (matching rules, excerpts, searches on the index)"
if ! node "$here/engine-tests.mjs" "$site"; then
  status=1
fi

echo
echo "=== Search engine in Chromium (the checks made from the index's own pages)"
for lang in de en; do
  if ! node "$here/engine-chromium.js" "$site" "$lang"; then
    status=1
  fi
done

echo
echo "=== Search (German stemming, languages, standards' ids, axe with results, privacy)"
if ! node "$here/search-tests.js" "$site"; then
  status=1
fi

echo
echo "=== Nu Html Checker over every HTML file in $site"
vnu="$here/node_modules/vnu-jar/build/dist/vnu.jar"
count="$(find "$site" -name '*.html' | wc -l)"
if java -jar "$vnu" --errors-only --skip-non-html "$site"; then
  echo "  ✓ vnu: 0 errors in $count HTML files"
else
  echo "  ✗ vnu: the Nu Html Checker found errors (listed above)"
  status=1
fi

echo
if [[ $status -eq 0 ]]; then
  echo "ALL BROWSER TESTS PASSED"
else
  echo "BROWSER TESTS FAILED: see the ✗ lines above"
fi
exit $status

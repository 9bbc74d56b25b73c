#!/usr/bin/env bash
# Publishing, tested: the pipeline files against the CI servers' schemas
# (pipelines.sh), deploy/publish.sh on a local folder (publish-tests.sh),
# then the site behind the real web server: serves a built kommhub site
# with deploy/nginx/try.sh on a free port of 127.0.0.1 and checks it with
# real HTTP requests (http-checks.py), and runs the browser tests once
# more against nginx, whose Content-Security-Policy the pages must obey
# (any CSP report in the browser console fails them).
#
#   tests/deploy/run.sh SITE
#
# Needs nginx and libnginx-mod-http-brotli-static (tests/deploy/install.sh),
# plus what tests/browser/run.sh needs. nginx is stopped when this ends.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
site="${1:?usage: tests/deploy/run.sh SITE}"
site="$(cd "$site" && pwd)" || exit 2

status=0
echo "=== Pipeline files (check-jsonschema, actionlint)"
"$here/pipelines.sh" || status=1
echo
echo "=== deploy/publish.sh: releases, switch, keep, rollback"
"$here/publish-tests.sh" "$site" || status=1
echo

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
origin="http://127.0.0.1:$port"
log="$(mktemp "${TMPDIR:-/tmp}/kommhub-nginx-log.XXXXXX")"
"$repo/deploy/nginx/try.sh" "$site" "$port" 2>"$log" &
server=$!
stop() {
  kill -TERM "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  rm -f "$log"
}
trap stop EXIT

for _ in $(seq 50); do
  if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "nginx did not start:" >&2; cat "$log" >&2; exit 1
  fi
  sleep 0.1
done

echo "=== nginx: addresses, 404s, redirects, headers, caching, compression, types"
python3 "$here/http-checks.py" "$site" "$origin" || status=1

echo
echo "=== Browser tests through nginx, under its Content-Security-Policy"
shots="$(mktemp -d "${TMPDIR:-/tmp}/kommhub-shots.XXXXXX")"
KOMMHUB_TEST_ORIGIN="$origin" node "$repo/tests/browser/browser-tests.js" "$site" "$shots" || status=1
rm -rf "$shots"
echo
KOMMHUB_TEST_ORIGIN="$origin" node "$repo/tests/browser/search-tests.js" "$site" || status=1

if grep -q '\[\(emerg\|alert\|crit\)\]' "$log"; then
  echo "nginx reported:"; cat "$log"; status=1
fi
echo
if [[ $status -eq 0 ]]; then echo "ALL NGINX TESTS PASSED"; else echo "NGINX TESTS FAILED: see the ✗ lines above"; fi
exit $status

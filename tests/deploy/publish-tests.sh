#!/usr/bin/env bash
# deploy/publish.sh on a local target folder: each upload is a new release
# that `current` switches to, only the last KEEP releases stay, rollback
# goes back one release, and a folder kommhub did not write is refused.
#
#   tests/deploy/publish-tests.sh SITE      (SITE: a folder kommhub build wrote)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
publish="$here/../../deploy/publish.sh"
site="$(cd "${1:?usage: publish-tests.sh SITE}" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kommhub-publish.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failures=0
ok() { echo "  ✓ $1"; }
fail() { echo "  ✗ $1"; failures=$((failures + 1)); }
export RELOAD="" KEEP=2

current() { basename "$(readlink "$work/srv/current")"; }

# Three uploads, a second apart so their names differ; the second changes
# one file, so the releases can be told apart.
cp -a "$site" "$work/site"
names=()
for round in 1 2 3; do
  [[ $round -eq 2 ]] && echo "<!-- round 2 -->" >> "$work/site/index.html"
  RELEASE_SUFFIX="r$round" "$publish" "$work/site" "$work/srv" >/dev/null || fail "upload $round failed"
  names+=("$(current)")
  sleep 1
done
if [[ "${names[2]}" == *-r3 && -f "$work/srv/current/index.html" ]]; then
  ok "current -> releases/${names[2]} after three uploads"
else
  fail "current is ${names[2]} after three uploads"
fi
if diff -r "$site/presse" "$work/srv/current/presse" >/dev/null; then ok "the release holds the site"; else fail "the release differs from the site"; fi
kept="$(ls "$work/srv/releases" | wc -l)"
if [[ $kept -eq 2 && ! -d "$work/srv/releases/${names[0]}" ]]; then ok "KEEP=2 keeps two releases"; else fail "$kept releases kept"; fi
# Unchanged files are hard links between releases, not copies.
links="$(stat -c %h "$work/srv/releases/${names[2]}/presse/index.html")"
if [[ $links -ge 2 ]]; then ok "unchanged files are hard-linked to the release before"; else fail "unchanged files are copies ($links links)"; fi

"$publish" --rollback "$work/srv" >/dev/null || fail "rollback failed"
if [[ "$(current)" == "${names[1]}" ]] && grep -q "round 2" "$work/srv/current/index.html"; then
  ok "--rollback switches back to ${names[1]}"
else
  fail "after --rollback current is $(current)"
fi
# Read whole first: `grep -q` stopping early would end the lister with
# SIGPIPE, which pipefail counts as a failure.
listed="$("$publish" --list "$work/srv")"
if grep -q "^\* ${names[1]}$" <<<"$listed"; then ok "--list marks the current release"; else fail "--list: $listed"; fi
if "$publish" --rollback "$work/srv" >/dev/null 2>&1; then fail "a rollback past the oldest release succeeded"; else ok "no rollback past the oldest release"; fi

mkdir -p "$work/foreign" && echo hi > "$work/foreign/index.html"
if "$publish" "$work/foreign" "$work/srv" >/dev/null 2>&1; then fail "a folder kommhub did not write was published"; else ok "a folder kommhub did not write is refused"; fi

if [[ $failures -eq 0 ]]; then echo "publish.sh: all checks passed"; else echo "PUBLISH TESTS FAILED ($failures)"; fi
[[ $failures -eq 0 ]]

#!/usr/bin/env bash
# Publishes a built kommhub site atomically, keeps the last releases and
# rolls back with one command.
#
#   deploy/publish.sh SITE TARGET        upload SITE as a new release, switch to it
#   deploy/publish.sh --rollback TARGET  switch back to the release before the current one
#   deploy/publish.sh --list TARGET      list the releases, marking the current one
#
# TARGET is `user@host:/srv/hub` (over ssh) or a local folder `/srv/hub`.
# On the server it holds
#
#   /srv/hub/releases/20261205T074500Z-1a2b3c4/   one folder per upload
#   /srv/hub/current -> releases/20261205T074500Z-1a2b3c4
#
# and nginx serves /srv/hub/current (deploy/nginx/hub.example.org.conf).
# The upload goes into a new folder that nobody serves yet (rsync, with
# files unchanged since the current release hard-linked, not copied); then
# `current` is replaced by a new symlink in one rename, so readers get the
# old site or the new one, never a mix. nginx is reloaded afterwards,
# because it reads redirects.map only when it loads its configuration.
#
# Settings (environment):
#   KEEP=5                     how many releases stay on the server
#   RELEASE_SUFFIX=…           added to the release's name (the pipelines
#                              pass the commit's short hash)
#   RELOAD="sudo systemctl reload nginx"
#                              run on the server after a switch; RELOAD=""
#                              skips it (e.g. for previews)
#   SSH="ssh -o BatchMode=yes" how to reach the server (add -i KEY, -p PORT)
set -euo pipefail

KEEP="${KEEP:-5}"
RELOAD="${RELOAD-sudo systemctl reload nginx}"
SSH="${SSH:-ssh -o BatchMode=yes}"

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Splits TARGET into $host (empty for a local folder) and $base.
split_target() {
  if [[ "$1" == *:* && "$1" != /* ]]; then
    host="${1%%:*}"
    base="${1#*:}"
  else
    host=""
    base="$1"
  fi
  if [[ "$base" != /* ]]; then
    echo "publish.sh: the target folder must be an absolute path, not '$base'" >&2
    exit 2
  fi
}

# Runs a bash snippet where the releases live, with its arguments.
on_server() {
  local snippet="$1"
  shift
  if [[ -n "$host" ]]; then
    $SSH "$host" bash -s -- "$@" <<<"$snippet"
  else
    bash -c "$snippet" publish "$@"
  fi
}

# The server side, as one snippet each: arguments BASE and more.
# Replaces `current` with a link to releases/$2 in one rename.
SWITCH='set -euo pipefail; cd "$1"; test -d "releases/$2"
ln -sfn "releases/$2" .current.next && mv -T .current.next current
echo "current -> releases/$2"'
# Removes all but the newest $2 releases, never the current one.
PRUNE='set -euo pipefail; cd "$1/releases"; current="$(basename "$(readlink ../current)")"
ls -1 | sort | head -n "-$2" | while read -r old; do
  if [[ "$old" != "$current" ]]; then rm -rf -- "$old"; echo "removed releases/$old"; fi
done'
# Lists the releases, the current one marked.
LIST='set -euo pipefail; cd "$1"; current="$(basename "$(readlink current 2>/dev/null || true)")"
for r in $(ls -1 releases 2>/dev/null | sort); do
  if [[ "$r" == "$current" ]]; then echo "* $r"; else echo "  $r"; fi
done'
# The release before the current one, by name (names sort by time).
PREVIOUS='set -euo pipefail; cd "$1"; current="$(basename "$(readlink current)")"
ls -1 releases | sort | awk -v c="$current" '"'"'$0 == c { print prev; exit } { prev = $0 }'"'"''
# Makes the releases folder; prints the current release's name, if any.
PREPARE='set -euo pipefail; mkdir -p "$1/releases"; cd "$1"
if [[ -L current ]]; then basename "$(readlink current)"; fi'

reload() {
  if [[ -n "$RELOAD" ]]; then
    on_server "$RELOAD"
    echo "reloaded: $RELOAD"
  fi
}

publish() {
  local site="$1"
  if [[ ! -f "$site/index.html" || ! -f "$site/.kommhub-output" ]]; then
    echo "publish.sh: $site is not a folder kommhub build wrote" >&2
    exit 2
  fi
  local name
  name="$(date -u +%Y%m%dT%H%M%SZ)${RELEASE_SUFFIX:+-$RELEASE_SUFFIX}"
  local current
  current="$(on_server "$PREPARE" "$base")"
  local link=()
  if [[ -n "$current" ]]; then link=(--link-dest="$base/releases/$current"); fi
  local destination="$base/releases/$name/"
  if [[ -n "$host" ]]; then destination="$host:$destination"; fi
  # --checksum: kommhub rewrites only changed files, but a fresh CI
  # checkout gives every file a new time, so compare contents.
  rsync -a --checksum --delete ${link[@]+"${link[@]}"} -e "$SSH" "$site/" "$destination"
  on_server "$SWITCH" "$base" "$name"
  reload
  on_server "$PRUNE" "$base" "$KEEP"
}

rollback() {
  local previous
  previous="$(on_server "$PREVIOUS" "$base")"
  if [[ -z "$previous" ]]; then
    echo "publish.sh: there is no release before the current one to go back to" >&2
    exit 1
  fi
  on_server "$SWITCH" "$base" "$previous"
  reload
}

case "${1:-}" in
  --rollback) [[ $# -eq 2 ]] || usage; split_target "$2"; rollback ;;
  --list) [[ $# -eq 2 ]] || usage; split_target "$2"; on_server "$LIST" "$base" ;;
  -h|--help|"") usage ;;
  *) [[ $# -eq 2 ]] || usage; split_target "$2"; publish "$1" ;;
esac

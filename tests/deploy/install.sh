#!/usr/bin/env bash
# Installs what tests/deploy/run.sh needs on a fresh Debian machine, without
# prompts: Debian's nginx and its brotli module for precompressed files.
# (The browser tests' own needs come from tests/browser/install.sh.)
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi

packages=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || packages+=(nginx)
[[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]] || packages+=(libnginx-mod-http-brotli-static)
if [[ ${#packages[@]} -gt 0 ]]; then
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${packages[@]}"
fi
/usr/sbin/nginx -v

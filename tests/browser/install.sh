#!/usr/bin/env bash
# Installs what tests/browser/run.sh needs on a fresh Debian machine, without
# prompts: Debian's chromium (the tests never download a browser of their
# own), Java for the Nu Html Checker, Node.js with npm, and the pinned npm
# packages (playwright-core, axe-core, vnu-jar) from package-lock.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DEBIAN_FRONTEND=noninteractive
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi

packages=()
[[ -x /usr/bin/chromium ]] || packages+=(chromium)
command -v java >/dev/null || packages+=(default-jre-headless)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

if [[ ${#packages[@]} -gt 0 ]]; then
  $sudo apt-get update
  # With recommends: chromium's fonts come that way.
  $sudo apt-get install -y "${packages[@]}"
fi

# --ignore-scripts: vnu-jar's postinstall would try to download Java.
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund

/usr/bin/chromium --version || true
java -version 2>&1 | head -1
node --version

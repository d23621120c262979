#!/bin/sh
# Builds the validator operator the way its image runs it (build stage of
# packages/validator-operator/Dockerfile), without Docker, into a tree of its own:
#   <out>/plugins/reliability-common/{package.json,dist}
#   <out>/packages/validator-operator/{package.json,dist,bin}
#   <out>/node_modules   the monorepo's third-party packages, the two workspaces linked as yarn does
# Both packages are compiled by `backstage-cli package build --role cli` (CommonJS only: the
# operator is an executable; no type declarations needed) and `prepack` points their "main"
# at dist/, so `node <out>/packages/validator-operator/bin/validator-operator` runs plain
# JavaScript, no TypeScript transform. Nothing is written into the monorepo.
#
# Usage, from anywhere:  sh bench/operator/deploy.sh [out-dir]   (default /tmp/goldenpath-operator-deploy)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${TMPDIR:-/tmp}/goldenpath-operator-deploy}
CLI="$ROOT/node_modules/@backstage/cli/bin/backstage-cli"

rm -rf "$OUT"
mkdir -p "$OUT/node_modules/@goldenpath"
cp "$ROOT/package.json" "$ROOT/tsconfig.json" "$OUT/"
for entry in "$ROOT"/node_modules/*; do
  name=$(basename "$entry")
  [ "$name" = "@goldenpath" ] || ln -s "$entry" "$OUT/node_modules/$name"
done
for pkg in plugins/reliability-common packages/validator-operator; do
  mkdir -p "$OUT/$pkg"
  cp -r "$ROOT/$pkg/package.json" "$ROOT/$pkg/src" "$OUT/$pkg/"
  ln -s "../../$pkg" "$OUT/node_modules/@goldenpath/$(node -p "require('$ROOT/$pkg/package.json').name.split('/')[1]")"
done
cp -r "$ROOT/packages/validator-operator/bin" "$OUT/packages/validator-operator/"

for pkg in plugins/reliability-common packages/validator-operator; do
  (cd "$OUT/$pkg" && node "$CLI" package build --role cli && node "$CLI" package prepack) 2>&1 \
    | grep -v -e 'cli-defaults' -e 'No CLI modules found' -e '^$' || true
  rm -rf "$OUT/$pkg/src"
  node -e "const p=require('$OUT/$pkg/package.json');require.resolve('$OUT/$pkg/'+p.main)" \
    || { echo "deploy.sh: $pkg did not build or its main does not point at dist/" >&2; exit 1; }
done
echo "$OUT/packages/validator-operator/bin/validator-operator"

#!/usr/bin/env bash
# Starts the app exactly as `make start` does (unless one is already running), runs the Playwright
# browser tests against it with Debian's Chromium, then stops what it started.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts/e2e
started=""
if (exec 3<>/dev/tcp/127.0.0.1/7007) 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/3000) 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/7011) 2>/dev/null; then
  if [ -n "${CI:-}" ]; then
    echo "make: port 7007, 3000 or 7011 is already in use; the browser test needs them free in CI" >&2; exit 1
  fi
  echo "==> reusing the app already running on 7007/3000/7011"
else
  echo "==> starting the app for the browser test (log: artifacts/e2e/app.log)"
  setsid bash scripts/start.sh > artifacts/e2e/app.log 2>&1 &
  started=$!
  trap 'kill -TERM -- "-$started" 2>/dev/null; wait "$started" 2>/dev/null' EXIT
fi
for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null http://127.0.0.1:7007/.backstage/health/v1/readiness 2>/dev/null \
     && curl -fsS -o /dev/null http://127.0.0.1:3000/ 2>/dev/null \
     && { [ -z "$started" ] || grep -q "Goldenpath is up" artifacts/e2e/app.log; }; then
    ready=1; break
  fi
  if [ -n "$started" ] && ! kill -0 "$started" 2>/dev/null; then
    tail -30 artifacts/e2e/app.log; echo "make: the app stopped during start-up (log: artifacts/e2e/app.log)" >&2; exit 1
  fi
  sleep 1
done
[ -n "${ready:-}" ] || { tail -30 artifacts/e2e/app.log; echo "make: the app was not ready within 10 minutes" >&2; exit 1; }
yarn playwright test -c test/e2e/playwright.config.ts "$@"

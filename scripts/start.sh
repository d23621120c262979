#!/usr/bin/env bash
# Runs the demo cluster (127.0.0.1:7011: fake Kubernetes API server + the real validator operator,
# examples/demo-cluster/), the backend (127.0.0.1:7007) and the frontend dev server (127.0.0.1:3000)
# with app-config.yaml + examples/demo-cluster/app-config.demo.yaml, loads the demo data once the
# backend is ready, and stops everything on Ctrl-C.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data
export GOLDENPATH_DEV_TOKEN="${GOLDENPATH_DEV_TOKEN:-goldenpath-dev-token-0123456789abcdef}"
export GOLDENPATH_DEMO_CLUSTER_TOKEN="${GOLDENPATH_DEMO_CLUSTER_TOKEN:-goldenpath-demo-cluster-token}"

# The demo operator's probe telemetry waits for this file, so the loader first sees the history gap.
demo_loaded=.data/demo-data-loaded
rm -f "$demo_loaded"

echo "==> starting the demo cluster on http://127.0.0.1:7011 (examples/demo-cluster/run.ts)"
setsid node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs examples/demo-cluster/run.ts --port 7011 \
  --telemetry-after "$demo_loaded" &
cluster_pid=$!
setsid yarn start --config "$PWD/app-config.yaml" --config "$PWD/examples/demo-cluster/app-config.demo.yaml" &
app_pid=$!
stop() {
  trap - INT TERM EXIT
  echo; echo "==> stopping Goldenpath"
  kill -TERM -- "-$app_pid" "-$cluster_pid" ${follow_pid:+"-$follow_pid"} 2>/dev/null
  wait "$app_pid" "$cluster_pid" ${follow_pid:+"$follow_pid"} 2>/dev/null
  exit 0
}
trap stop INT TERM EXIT

echo "==> waiting for the backend on http://127.0.0.1:7007"
for _ in $(seq 1 300); do
  if curl -fsS -o /dev/null http://127.0.0.1:7007/.backstage/health/v1/readiness 2>/dev/null; then break; fi
  kill -0 "$app_pid" 2>/dev/null || { echo "make: the backend exited during start-up (see the log above)" >&2; exit 1; }
  sleep 1
done
if [ -f examples/loaders/load-demo.ts ]; then
  echo "==> loading demo data (examples/loaders/load-demo.ts)"
  node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs examples/loaders/load-demo.ts \
    --backend http://127.0.0.1:7007 --token "$GOLDENPATH_DEV_TOKEN" || echo "warning: demo data loading failed (see above); the app keeps running" >&2
fi
touch "$demo_loaded"
# Keeps the replayed hardware and storage series going; the operator's probes cover the rest.
setsid node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs examples/loaders/load-demo-telemetry.ts \
  --backend http://127.0.0.1:7007 --token "$GOLDENPATH_DEV_TOKEN" --follow > .data/demo-telemetry-follow.log 2>&1 &
follow_pid=$!
echo "==> Goldenpath is up: open http://localhost:3000 and click Enter (guest). Ctrl-C stops it."
wait "$app_pid"

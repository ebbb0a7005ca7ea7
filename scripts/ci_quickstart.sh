#!/usr/bin/env bash
# Runs the README's quick start in a scratch VAR_DIR on a free port, fetches the login page and a
# demo login, then stops everything. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
log="$scratch/run.log"
(
  unset DATABASE_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND EMAIL_URL
  export VAR_DIR="$scratch/var" PORT="$port"
  exec setsid scripts/run >"$log" 2>&1
) &
runner=$!
stop() {
  kill -TERM -- -"$runner" 2>/dev/null || kill "$runner" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$runner" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- -"$runner" 2>/dev/null || true
}
trap stop EXIT
url="http://127.0.0.1:$port"
for i in $(seq 1 240); do
  if curl -fsS "$url/accounts/login/" -o "$scratch/login.html" 2>/dev/null; then break; fi
  if ! kill -0 "$runner" 2>/dev/null; then echo "quick start exited early:"; cat "$log"; exit 1; fi
  sleep 1
done
grep -q "登录" "$scratch/login.html" || { echo "login page not served in Chinese"; cat "$log"; exit 1; }
# The login page answers while the demo data is still loading: sign in once the banner is out.
for _ in $(seq 1 240); do
  grep -q "password:" "$log" && break
  if ! kill -0 "$runner" 2>/dev/null; then echo "quick start exited early:"; cat "$log"; exit 1; fi
  sleep 1
done
.venv/bin/python scripts/smoke_login.py "$url"
echo "quick start OK: login page served at $url after ${i}s"

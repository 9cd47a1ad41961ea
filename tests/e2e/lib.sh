# Helpers for the end-to-end suite. Sourced by tests/e2e/run.

E2E_TMP="$(mktemp -d /tmp/berth-e2e.XXXXXX)"
export HOME="$E2E_TMP/home"; mkdir -p "$HOME"
export KUBECACHEDIR="$E2E_TMP/kubecache"

e2e_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

e2e_start_server() {
  E2E_PORT="$(e2e_free_port)"
  E2E_DATA="$E2E_TMP/data"
  "$BERTH" server --data-dir "$E2E_DATA" --listen "127.0.0.1:$E2E_PORT" >"$E2E_TMP/server.log" 2>&1 &
  E2E_PID=$!
  echo "$E2E_PID" >"$E2E_TMP/server.pid"
  for _ in $(seq 1 200); do
    [ -f "$E2E_DATA/kubeconfig" ] && break
    kill -0 "$E2E_PID" 2>/dev/null || { echo "server exited:"; cat "$E2E_TMP/server.log"; return 1; }
    sleep 0.05
  done
  [ -f "$E2E_DATA/kubeconfig" ] || { echo "no kubeconfig"; cat "$E2E_TMP/server.log"; return 1; }
  export KUBECONFIG="$E2E_DATA/kubeconfig"
  E2E_URL="https://127.0.0.1:$E2E_PORT"
  E2E_TOKEN="$(cat "$E2E_DATA/pki/admin.token")"
}

# Tests run in subshells, so the live server's PID is kept in a file that
# both the restart and the final cleanup read.
e2e_restart_server() {
  local pid; pid="$(cat "$E2E_TMP/server.pid")"
  kill -9 "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  "$BERTH" server --data-dir "$E2E_DATA" --listen "127.0.0.1:$E2E_PORT" >>"$E2E_TMP/server.log" 2>&1 &
  E2E_PID=$!
  echo "$E2E_PID" >"$E2E_TMP/server.pid"
  for _ in $(seq 1 200); do
    curl -sk --max-time 1 "$E2E_URL/healthz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

e2e_cleanup() {
  local pid; pid="$(cat "$E2E_TMP/server.pid" 2>/dev/null)"
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null
  fi
  if [ -n "${E2E_KEEP:-}" ]; then echo "kept $E2E_TMP"; else rm -rf "$E2E_TMP"; fi
}

# curl against the API with the admin token: api GET /api/v1/namespaces
api() {
  local method="$1" path="$2"; shift 2
  curl -sk -X "$method" -H "Authorization: Bearer $E2E_TOKEN" "$@" "$E2E_URL$path"
}

# Assertions: print what was expected and what came, then fail.
expect_contains() {  # expect_contains "$output" "needle"
  if ! grep -qF -- "$2" <<<"$1"; then
    echo "expected output to contain: $2"; echo "--- output:"; echo "$1"; return 1
  fi
}
expect_not_contains() {
  if grep -qF -- "$2" <<<"$1"; then
    echo "expected output NOT to contain: $2"; echo "--- output:"; echo "$1"; return 1
  fi
}
expect_match() {  # expect_match "$output" 'regex'
  if ! grep -qE -- "$2" <<<"$1"; then
    echo "expected output to match: $2"; echo "--- output:"; echo "$1"; return 1
  fi
}
expect_eq() {
  if [ "$1" != "$2" ]; then echo "expected [$2] got [$1]"; return 1; fi
}
# Runs a command that must fail; its combined output is in $OUT.
expect_fail() {
  if OUT="$("$@" 2>&1)"; then echo "expected failure from: $*"; echo "$OUT"; return 1; fi
  return 0
}
# Waits (with a deadline, polling a condition command) — for async effects only.
wait_for() {  # wait_for 10 cmd args...
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && { echo "timed out waiting for: $*"; return 1; }
    sleep 0.1
  done
}

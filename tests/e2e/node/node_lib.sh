# Helpers for the node e2e suite (sourced after ../lib.sh).

NODE_ID="e$$"                                   # cluster id: host-level names derive from it
NODE_BRIDGE="bt$NODE_ID"
NODE_POD_CIDR="10.$((200 + $$ % 40)).$(( ($$ / 40) % 250 )).0/24"
NODE_SVC_CIDR="10.$((240 + $$ % 10)).$(( ($$ / 10) % 250 )).0/24"
NODE_IMAGE="berth.local/busybox:e2e"

node_start_cluster() {
  E2E_PORT="$(e2e_free_port)"
  E2E_DATA="$E2E_TMP/data"
  mkdir -p "$E2E_DATA/images"
  "$ROOT/scripts/make-test-image" "$E2E_DATA/images/busybox.tar" "$NODE_IMAGE" >"$E2E_TMP/image.log" 2>&1 \
    || { echo "make-test-image failed:"; cat "$E2E_TMP/image.log"; return 1; }
  node_up
}

node_up() {
  "$BERTH" up --data-dir "$E2E_DATA" --listen "127.0.0.1:$E2E_PORT" --name "$NODE_ID" \
    --pod-cidr "$NODE_POD_CIDR" --service-cidr "$NODE_SVC_CIDR" --node-name "node-$NODE_ID" \
    >>"$E2E_TMP/up.log" 2>&1 &
  echo $! >"$E2E_TMP/server.pid"
  export KUBECONFIG="$E2E_DATA/kubeconfig"
  E2E_URL="https://127.0.0.1:$E2E_PORT"
  for _ in $(seq 1 200); do
    if [ -f "$E2E_DATA/kubeconfig" ] &&
       kubectl get node "node-$NODE_ID" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -q True; then
      E2E_TOKEN="$(cat "$E2E_DATA/pki/admin.token")"
      return 0
    fi
    kill -0 "$(cat "$E2E_TMP/server.pid")" 2>/dev/null || { echo "berth up exited:"; cat "$E2E_TMP/up.log"; return 1; }
    sleep 0.05
  done
  echo "node never became Ready"; cat "$E2E_TMP/up.log"; return 1
}

# kill -9 the `berth up` process (server and agent); containers must survive.
node_kill9() {
  local pid; pid="$(cat "$E2E_TMP/server.pid")"
  kill -9 "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}

node_cleanup() {
  local pid; pid="$(cat "$E2E_TMP/server.pid" 2>/dev/null)"
  [ -n "${NODE_REGISTRY_PID:-}" ] && kill "$NODE_REGISTRY_PID" 2>/dev/null
  [ -f "$E2E_TMP/registry.pid" ] && kill "$(cat "$E2E_TMP/registry.pid")" 2>/dev/null
  "$BERTH" down --data-dir "$E2E_DATA" >"$E2E_TMP/down.log" 2>&1 || { echo "berth down failed:"; cat "$E2E_TMP/down.log"; }
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
  local leftovers=""
  ip link show "$NODE_BRIDGE" >/dev/null 2>&1 && leftovers+=" bridge"
  ip netns list 2>/dev/null | grep -q "berth-$NODE_ID-" && leftovers+=" netns"
  grep -q "$E2E_DATA" /proc/self/mountinfo && leftovers+=" mounts"
  ls -d /sys/fs/cgroup/*/berth-"$NODE_ID" >/dev/null 2>&1 && leftovers+=" cgroups"
  [ -d "/run/berth/$NODE_ID" ] && leftovers+=" runc-root"
  ip route show | grep -q "$NODE_BRIDGE" && leftovers+=" routes"
  nft list table ip "berth-$NODE_ID" >/dev/null 2>&1 && leftovers+=" nftables"
  if [ -n "$leftovers" ]; then echo "LEFTOVERS after berth down:$leftovers"; E2E_KEEP=1; fi
  if [ -n "${E2E_KEEP:-}" ]; then echo "kept $E2E_TMP"; else rm -rf "$E2E_TMP"; fi
  [ -z "$leftovers" ]
}

# A pod manifest with the test image. pod_yaml NAME 'COMMAND' [extra container yaml] [extra spec yaml]
pod_yaml() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  nodeName: node-$NODE_ID
  terminationGracePeriodSeconds: ${GRACE:-2}
  restartPolicy: ${RESTART:-Always}
  containers:
  - name: c
    image: $NODE_IMAGE
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "$2"]
${3:-}
${4:-}
YAML
}

wait_phase() {  # wait_phase POD PHASE [seconds]
  for _ in $(seq 1 $(( ${3:-30} * 10 ))); do
    [ "$(kubectl get pod "$1" -o jsonpath='{.status.phase}' 2>/dev/null)" = "$2" ] && return 0
    sleep 0.1
  done
  echo "pod $1 never reached phase $2"; kubectl get pod "$1" -o yaml; return 1
}

wait_jsonpath() {  # wait_jsonpath POD JSONPATH EXPECTED [seconds]
  local got=""
  for _ in $(seq 1 $(( ${4:-30} * 10 ))); do
    got="$(kubectl get pod "$1" -o jsonpath="$2" 2>/dev/null)"
    [ "$got" = "$3" ] && return 0
    sleep 0.1
  done
  echo "pod $1: $2 = [$got], wanted [$3]"; kubectl get pod "$1" -o yaml; return 1
}

wait_gone() {  # wait_gone POD [seconds]
  for _ in $(seq 1 $(( ${2:-30} * 10 ))); do
    kubectl get pod "$1" >/dev/null 2>&1 || return 0
    sleep 0.1
  done
  echo "pod $1 still exists"; return 1
}

ready_count() {  # ready_count LABEL-SELECTOR
  kubectl get pods -l "$1" -o jsonpath='{range .items[*]}{.metadata.deletionTimestamp}{"|"}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    grep -c '^|True$' || true
}

wait_ready_count() {  # wait_ready_count SELECTOR N [seconds]: exactly N ready, none terminating
  local got total
  for _ in $(seq 1 $(( ${3:-60} * 10 ))); do
    got="$(ready_count "$1")"
    total="$(kubectl get pods -l "$1" --no-headers 2>/dev/null | wc -l)"
    [ "$got" = "$2" ] && [ "$total" = "$2" ] && return 0
    sleep 0.1
  done
  echo "selector $1: $got ready of $total pods, wanted $2"; kubectl get pods -l "$1" -o wide; return 1
}

# wait_event FIELD-SELECTOR TEXT [seconds]: an Event matching the selector whose row contains
# TEXT appears. Events are posted from a background thread (best effort, as in Kubernetes), so
# they may land after the state change they describe.
wait_event() {
  local out=""
  for _ in $(seq 1 $(( ${3:-20} * 5 ))); do
    out="$(kubectl get events --field-selector "$1" 2>&1)"
    grep -qF -- "$2" <<<"$out" && return 0
    sleep 0.2
  done
  echo "no event ($1) containing: $2"; echo "--- events:"; echo "$out"; return 1
}

#!/usr/bin/env bash
# service_bench: HTTP throughput through a Service's ClusterIP against the same backend pod's IP
# directly, measured with wrk in the same run (issue 5 goal: ClusterIP / pod IP >= 0.95).
#
# Starts its own `berth up` (unique cluster id, bridge, CIDRs, data dir; `berth down` at the
# end, also on failure), one backend pod behind a ClusterIP Service and one client pod. The
# backend is bench/tools/http_server (static, mounted read-only into the busybox image: a fast
# epoll server, so that the network path, not the server, is what differs). wrk runs from inside
# the client pod's network namespace (pod -> service, the path every in-cluster client takes)
# and from the host (node -> service), in two modes:
#   keepalive  wrk's default: 8 persistent connections (NAT is set up once per connection);
#   close      "Connection: close": a new TCP connection per request (every request pays for
#              conntrack and NAT set-up; the worst case for a service path).
# Direct and ClusterIP rounds alternate (and alternate which goes first) so both see the same
# machine load. Prints requests/s per round, medians and the ratio.
#
# Usage: bench/service_bench.sh path/to/berth [seconds-per-round] [rounds] [modes]
#   modes: "keepalive close" (default), or one of them. HTTP_SERVER overrides the server binary
#   (default: bench/http_server next to the berth binary's build).
set -uo pipefail
BERTH="$(readlink -f "${1:?usage: service_bench.sh path/to/berth [seconds] [rounds]}")"
SECS="${2:-5}"
ROUNDS="${3:-7}"
MODES="${4:-keepalive close}"
HTTP_SERVER="$(readlink -f "${HTTP_SERVER:-$(dirname "$BERTH")/bench/http_server}")"
[ -x "$HTTP_SERVER" ] || { echo "no http_server at $HTTP_SERVER (ninja http_server)"; exit 1; }
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
command -v wrk >/dev/null || { echo "wrk not installed (scripts/install-deps)"; exit 1; }
command -v conntrack >/dev/null || { echo "conntrack not installed (scripts/install-deps)"; exit 1; }

ID="sb$$"
BRIDGE="bt$ID"
POD_CIDR="10.$((200 + $$ % 40)).$(( ($$ / 40) % 250 )).0/24"
SVC_CIDR="10.$((240 + $$ % 10)).$(( ($$ / 10) % 250 )).0/24"
DATA="$(mktemp -d /tmp/berth-service-bench.XXXXXX)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
IMAGE="berth.local/busybox:bench"
export KUBECONFIG="$DATA/kubeconfig"

cleanup() {
  "$BERTH" down --data-dir "$DATA" >/dev/null 2>&1
  [ -n "${UP_PID:-}" ] && kill -9 "$UP_PID" 2>/dev/null
  rm -rf "$DATA"
}
trap cleanup EXIT

mkdir -p "$DATA/images"
"$ROOT/scripts/make-test-image" "$DATA/images/busybox.tar" "$IMAGE" >/dev/null 2>&1 || { echo "make-test-image failed"; exit 1; }
"$BERTH" up --data-dir "$DATA" --listen "127.0.0.1:$PORT" --name "$ID" --pod-cidr "$POD_CIDR" \
  --service-cidr "$SVC_CIDR" --node-name "node-$ID" >"$DATA/up.log" 2>&1 &
UP_PID=$!
for _ in $(seq 1 300); do
  kubectl get node "node-$ID" 2>/dev/null | grep -q ' Ready' && break
  sleep 0.1
done

kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: backend, labels: {app: backend}}
spec:
  containers:
  - name: c
    image: $IMAGE
    imagePullPolicy: IfNotPresent
    command: ["/bench/http_server", "8080", "1024"]
    volumeMounts: [{name: bench, mountPath: /bench, readOnly: true}]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
  volumes: [{name: bench, hostPath: {path: "$(dirname "$HTTP_SERVER")", type: Directory}}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
  - {name: c, image: $IMAGE, imagePullPolicy: IfNotPresent, command: ["sleep", "100000"]}
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports: [{port: 80, targetPort: 8080}]
YAML
kubectl wait --for=condition=Ready pod/backend pod/client --timeout=120s >/dev/null || { tail "$DATA/up.log"; exit 1; }
POD_IP="$(kubectl get pod backend -o jsonpath='{.status.podIP}')"
CLIENT_IP="$(kubectl get pod client -o jsonpath='{.status.podIP}')"
SVC_IP="$(kubectl get svc backend -o jsonpath='{.spec.clusterIP}')"
for _ in $(seq 1 100); do curl -sf -o /dev/null --max-time 1 "http://$SVC_IP/" && break; sleep 0.1; done

# The client pod's network namespace: the one holding its address.
CLIENT_NS=""
for ns in $(ip netns list | awk '{print $1}' | grep "^berth-$ID-"); do
  ip -n "$ns" -4 addr show | grep -q "inet $CLIENT_IP/" && CLIENT_NS="$ns"
done
[ -n "$CLIENT_NS" ] || { echo "client netns not found"; exit 1; }

# Rounds must not see each other's closed connections. In close mode a closed connection stays
# 60 s in TIME_WAIT in the backend (the server closes first) and 120 s in the host's conntrack. When a
# round reuses a client port that the other path used moments before, the backend's TIME_WAIT
# socket rejects the new SYN (the client's TCP timestamps differ per destination address, pod IP
# vs ClusterIP) and conntrack finds the same reply tuple taken; either way the SYN is dropped
# and retried a second later. That is an artefact of measuring both paths from one client, not a
# cost of either path, so:
#  - from the pod, each path gets its own half of the client's port range (a per-netns sysctl);
#  - from the host (whose port range is shared with everything else), a round waits until the
#    backend has no TIME_WAIT sockets left;
#  - before every round the host's conntrack entries of this backend are deleted.
BACKEND_NS=""
for ns in $(ip netns list | awk '{print $1}' | grep "^berth-$ID-"); do
  ip -n "$ns" -4 addr show | grep -q "inet $POD_IP/" && BACKEND_NS="$ns"
done
[ -n "$BACKEND_NS" ] || { echo "backend netns not found"; exit 1; }

prepare_round() {  # prepare_round WHERE PATH (PATH = direct or service)
  if [ "$1" = pod ]; then
    local range="20000 39999"
    [ "$2" = service ] && range="40000 59999"
    ip netns exec "$CLIENT_NS" sysctl -qw net.ipv4.ip_local_port_range="$range"
  else
    for _ in $(seq 1 150); do
      [ "$(ip netns exec "$BACKEND_NS" ss -Htan state time-wait | wc -l)" -eq 0 ] && break
      sleep 0.5
    done
  fi
  conntrack -D -r "$POD_IP" >/dev/null 2>&1 || true
}

# rps WHERE PATH: requests/s of one wrk round (WHERE = pod or host, PATH = direct or service)
# in $MODE.
rps() {
  local pre=() url="http://$POD_IP:8080/" hdr=()
  [ "$2" = service ] && url="http://$SVC_IP/"
  [ "$MODE" = close ] && hdr=(-H "Connection: close")
  prepare_round "$1" "$2"
  [ "$1" = pod ] && pre=(ip netns exec "$CLIENT_NS")
  "${pre[@]}" wrk -t1 -c8 -d"${SECS}s" "${hdr[@]}" "$url" 2>&1 | awk '/Requests\/sec/ {print $2}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "service_bench: backend pod $POD_IP:8080 (http_server, 1 KiB body), service $SVC_IP:80, wrk -t1 -c8 -d${SECS}s x $ROUNDS rounds each"
for MODE in $MODES; do
for where in pod host; do
  direct=(); via=()
  for r in $(seq 1 "$ROUNDS"); do
    # Alternate which goes first, so that neither path always runs on a machine warmed (or
    # loaded) by the other.
    if [ $((r % 2)) -eq 1 ]; then
      d="$(rps "$where" direct)"; v="$(rps "$where" service)"
    else
      v="$(rps "$where" service)"; d="$(rps "$where" direct)"
    fi
    direct+=("$d"); via+=("$v")
    echo "  $MODE from $where round $r: direct pod IP ${d} req/s, ClusterIP ${v} req/s"
  done
  md="$(printf '%s\n' "${direct[@]}" | median)"; mv="$(printf '%s\n' "${via[@]}" | median)"
  ratio="$(awk -v a="$mv" -v b="$md" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')"
  echo "$MODE from $where: median direct ${md} req/s, median ClusterIP ${mv} req/s, ratio ClusterIP/direct ${ratio}"
done
done

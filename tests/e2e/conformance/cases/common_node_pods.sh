# Conformance: test/e2e/common/node/pods.go (sig-node Pods).

# [sig-node] Pods should get a host IP: a running pod reports status.hostIP.
t_sig_node_pods_should_get_a_host_ip() {
  conf_pod hostip 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_running hostip
  ip="$(kubectl get pod hostip -o jsonpath='{.status.hostIP}')"
  expect_match "$ip" '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$'
}

# pods_ws PATH PROTOCOL: opens a WebSocket to the API server (admin token) asking for PROTOCOL and
# prints every message it gets until the server closes, one per line as "<hex of first byte>:<rest
# as JSON string>" (channel protocols) or, for binary.k8s.io, "<payload as JSON string>".
pods_ws() {
  python3 - "$E2E_URL$1" "$2" "$E2E_TOKEN" <<'PY'
import base64, json, os, socket, ssl, struct, sys, urllib.parse
url, proto, token = sys.argv[1], sys.argv[2], sys.argv[3]
u = urllib.parse.urlsplit(url)
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection((u.hostname, u.port), timeout=20))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET {u.path}?{u.query} HTTP/1.1\r\nHost: {u.netloc}\r\nUpgrade: websocket\r\n"
           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
           f"Sec-WebSocket-Protocol: {proto}\r\nAuthorization: Bearer {token}\r\n\r\n").encode())
buf = b""
while b"\r\n\r\n" not in buf:
    d = s.recv(4096)
    if not d: sys.exit("connection closed during the handshake: %r" % buf)
    buf += d
head, buf = buf.split(b"\r\n\r\n", 1)
if not head.startswith(b"HTTP/1.1 101"): sys.exit("no upgrade: %r %r" % (head, buf))
def need(n):
    global buf
    while len(buf) < n:
        d = s.recv(65536)
        if not d: raise EOFError
        buf += d
    out, buf = buf[:n], buf[n:]
    return out
try:
    while True:
        b0, b1 = need(2)
        op, n = b0 & 0x0F, b1 & 0x7F
        if n == 126: n = struct.unpack(">H", need(2))[0]
        elif n == 127: n = struct.unpack(">Q", need(8))[0]
        mask = need(4) if b1 & 0x80 else None
        data = need(n)
        if mask: data = bytes(c ^ mask[i % 4] for i, c in enumerate(data))
        if op == 8: break
        if op in (9, 10): continue
        if proto.startswith("base64."): data = base64.b64decode(data[1:]) if "channel" in proto and data else base64.b64decode(data)
        if "channel" in proto:
            print("%d:%s" % (data[0], json.dumps(data[1:].decode(errors="replace"))) if data else "-:")
        else:
            print(json.dumps(data.decode(errors="replace")))
except EOFError:
    pass
PY
}

# [sig-node] Pods should allow activeDeadlineSeconds to be updated: a running pod whose
# activeDeadlineSeconds is set afterwards fails with DeadlineExceeded once it is exceeded.
t_sig_node_pods_should_allow_activedeadlineseconds_to_be_updated() {
  conf_pod deadline 'sleep 3600' "time: \"$NS\"" | kubectl apply -f - >/dev/null
  expect_eq "$(kubectl get pods -l "time=$NS" -o name)" pod/deadline
  wait_running deadline
  kubectl patch pod deadline -p '{"spec":{"activeDeadlineSeconds":5}}' >/dev/null
  expect_eq "$(kubectl get pod deadline -o jsonpath='{.spec.activeDeadlineSeconds}')" 5
  wait_jsonpath deadline '{.status.phase}/{.status.reason}' Failed/DeadlineExceeded 40
}

# [sig-node] Pods should be submitted and removed: a pod found by its label runs; after a
# graceful delete a watch sees its deletionTimestamp, then the DELETED event, and the label
# selects nothing.
t_sig_node_pods_should_be_submitted_and_removed() {
  conf_pod submitted 'sleep 3600' "time: \"$NS\"" | kubectl apply -f - >/dev/null
  expect_eq "$(kubectl get pods -l "time=$NS" -o name)" pod/submitted
  rv="$(kubectl get pods -l "time=$NS" -o jsonpath='{.metadata.resourceVersion}')"
  api GET "/api/v1/namespaces/$NS/pods?watch=1&labelSelector=time%3D$NS&resourceVersion=$rv" \
    --max-time 60 -N >watch.out 2>/dev/null &
  local watcher=$!
  wait_running submitted
  kubectl delete pod submitted --grace-period=30 --wait=false >/dev/null
  eventually 40 grep -q '"type":"DELETED"' watch.out
  kill "$watcher" 2>/dev/null || true
  python3 - watch.out <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
types = [e["type"] for e in events]
assert "ADDED" not in types or types.index("ADDED") == 0, types
marked = [e for e in events if e["type"] == "MODIFIED" and e["object"]["metadata"].get("deletionTimestamp")]
assert marked, "no MODIFIED event with a deletionTimestamp: %s" % types
assert marked[0]["object"]["metadata"]["deletionGracePeriodSeconds"] == 30, marked[0]["object"]["metadata"]
assert types[-1] == "DELETED", types
PY
  expect_eq "$(kubectl get pods -l "time=$NS" -o name)" ""
}

# [sig-node] Pods should be updated: a label change is stored and the new value selects the pod.
t_sig_node_pods_should_be_updated() {
  conf_pod updated 'sleep 3600' "time: \"$NS\"" | kubectl apply -f - >/dev/null
  expect_eq "$(kubectl get pods -l "time=$NS" -o name)" pod/updated
  wait_running updated
  kubectl get pod updated -o json | jq '.metadata.labels.time = "value2"' | kubectl replace -f - >/dev/null
  expect_eq "$(kubectl get pods -l time=value2 -o name)" pod/updated
  expect_eq "$(kubectl get pods -l "time=$NS" -o name)" ""
}

# [sig-node] Pods should delete a collection of pods: one DELETE on the collection with a label
# selector removes exactly the selected pods.
t_sig_node_pods_should_delete_a_collection_of_pods() {
  for i in 1 2 3; do conf_pod "coll-$i" 'sleep 3600' 'type: Testing' | kubectl apply -f - >/dev/null; done
  conf_pod other 'sleep 3600' 'type: Other' | kubectl apply -f - >/dev/null
  expect_eq "$(kubectl get pods -l type=Testing -o name | wc -l)" 3
  for i in 1 2 3; do wait_running "coll-$i"; done
  out="$(api DELETE "/api/v1/namespaces/$NS/pods?labelSelector=type%3DTesting")"
  expect_contains "$out" '"kind":"PodList"'
  local deadline=$((SECONDS + 40))
  until [ -z "$(kubectl get pods -l type=Testing -o name)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "pods left:"; kubectl get pods; return 1; }
    sleep 0.2
  done
  expect_eq "$(kubectl get pods -o name)" pod/other
}

# [sig-node] Pods should patch a pod status: a merge patch of pods/status sets status fields.
t_sig_node_pods_should_patch_a_pod_status() {
  conf_pod patchstatus 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_running patchstatus
  out="$(api PATCH "/api/v1/namespaces/$NS/pods/patchstatus/status" -H 'Content-Type: application/merge-patch+json' \
    -d '{"metadata":{"annotations":{"patchedstatus":"true"}},"status":{"message":"Patched by e2e test","reason":"E2E"}}')"
  expect_eq "$(jq -r '.status.message + "/" + .status.reason' <<<"$out")" "Patched by e2e test/E2E"
  expect_eq "$(kubectl get pod patchstatus -o jsonpath='{.status.reason}')" E2E
}

# [sig-node] Pods should run through the lifecycle of Pods and PodStatus: create, patch labels,
# read and replace pods/status (Ready condition set False), delete and see it gone.
t_sig_node_pods_should_run_through_the_lifecycle_of_pods_and_podstatus() {
  conf_pod lifecycle 'sleep 3600' 'test-pod-static: "true"' | kubectl apply -f - >/dev/null
  wait_running lifecycle
  out="$(api PATCH "/api/v1/namespaces/$NS/pods/lifecycle" -H 'Content-Type: application/strategic-merge-patch+json' \
    -d "{\"metadata\":{\"labels\":{\"test-pod\":\"patched\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"$IMG\"}]}}")"
  expect_eq "$(jq -r '.metadata.labels["test-pod"]' <<<"$out")" patched
  expect_eq "$(kubectl get pods -l test-pod=patched -o name)" pod/lifecycle
  api GET "/api/v1/namespaces/$NS/pods/lifecycle/status" >status.json
  expect_eq "$(jq -r '.status.conditions[] | select(.type=="Ready") | .status' status.json)" True
  jq '(.status.conditions[] | select(.type=="Ready")) |= (.status = "False" | .reason = "E2E")' status.json >status2.json
  out="$(api PUT "/api/v1/namespaces/$NS/pods/lifecycle/status" -H 'Content-Type: application/json' -d @status2.json)"
  expect_eq "$(jq -r '.status.conditions[] | select(.type=="Ready") | .status + "/" + .reason' <<<"$out")" False/E2E
  expect_eq "$(jq -r '.metadata.labels["test-pod"]' <<<"$out")" patched
  kubectl delete pod lifecycle --wait=false >/dev/null
  wait_gone lifecycle 40
  expect_eq "$(kubectl get pods -l test-pod-static=true -o name)" ""
}

# [sig-node] Pods should support remote command execution over websockets: pods/exec over the
# channel.k8s.io WebSocket protocol returns the command's stdout on channel 1.
t_sig_node_pods_should_support_remote_command_execution_over_websockets() {
  conf_pod wsexec 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_running wsexec
  out="$(pods_ws "/api/v1/namespaces/$NS/pods/wsexec/exec?command=echo&command=remote%20execution%20test&container=c&stderr=1&stdout=1" channel.k8s.io)"
  # Only stdout carries data (empty messages on other channels are allowed).
  if grep -v '^1:' <<<"$out" | grep -vq '^[0-9]*:""$'; then echo "data on another channel:"; echo "$out"; return 1; fi
  expect_contains "$(grep '^1:' <<<"$out")" '1:"remote execution test\n"'
  # v4 protocol: the exit status comes as a Status on channel 3.
  out="$(pods_ws "/api/v1/namespaces/$NS/pods/wsexec/exec?command=sh&command=-c&command=exit%203&stdout=1&stderr=1" v4.channel.k8s.io)"
  expect_contains "$out" 'exit code 3'
}

# [sig-node] Pods should support retrieving logs from the container over websockets: pods/log
# over a binary.k8s.io WebSocket returns the container's output.
t_sig_node_pods_should_support_retrieving_logs_from_the_container_over_websockets() {
  conf_pod wslogs 'echo container is alive; sleep 3600' | kubectl apply -f - >/dev/null
  wait_running wslogs
  eventually 20 sh -c 'kubectl logs wslogs | grep -q alive'
  out="$(pods_ws "/api/v1/namespaces/$NS/pods/wslogs/log?container=c" binary.k8s.io)"
  expect_eq "$(jq -sc 'join("")' <<<"$out")" '"container is alive\n"'
}

# [sig-node] Pods should contain environment variables for services: a pod created after a
# Service gets the docker-link style variables of that service.
t_sig_node_pods_should_contain_environment_variables_for_services() {
  conf_netexec_pod server "name: server-$NS" | kubectl apply -f - >/dev/null
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: fooservice}
spec:
  selector: {name: server-$NS}
  ports: [{port: 8765, targetPort: 8080}]
YAML
  wait_running server
  ip="$(kubectl get service fooservice -o jsonpath='{.spec.clusterIP}')"
  RESTART=Never conf_pod client-envvars 'env' | kubectl apply -f - >/dev/null
  wait_phase client-envvars Succeeded 60
  out="$(kubectl logs client-envvars)"
  for kv in "FOOSERVICE_SERVICE_HOST=$ip" FOOSERVICE_SERVICE_PORT=8765 "FOOSERVICE_PORT=tcp://$ip:8765" \
            FOOSERVICE_PORT_8765_TCP_PORT=8765 FOOSERVICE_PORT_8765_TCP_PROTO=tcp \
            "FOOSERVICE_PORT_8765_TCP=tcp://$ip:8765" "FOOSERVICE_PORT_8765_TCP_ADDR=$ip"; do
    expect_match "$out" "^$kv\$"
  done
  # The API server's own service (default/kubernetes) is always there.
  expect_match "$out" '^KUBERNETES_SERVICE_HOST=[0-9.]+$'
}

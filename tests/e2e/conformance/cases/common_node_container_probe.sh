# Conformance: test/e2e/common/node/container_probe.go (sig-node Probing container).
# The upstream tests wait minutes with 10 s periods; these keep their meaning with 1 s periods.
# Stand-in for agnhost liveness (/healthz answers 200 for a while, then fails): busybox httpd
# serving /w, with /w/healthz removed after a few seconds.

PROBE_LIVENESS_SERVER='mkdir -p /w; echo ok >/w/healthz; (sleep 3; rm /w/healthz) & exec httpd -f -p 8080 -h /w'

# probe_pod NAME 'shell command' 'probe yaml (container level, 4 spaces)'
probe_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "$2"]
$3
YAML
}

probe_restarts() { kubectl get pod "$1" -o jsonpath='{.status.containerStatuses[0].restartCount}'; }

# probe_never_restarted POD SECONDS: restartCount stays 0 (and the pod Running) for SECONDS.
probe_never_restarted() {
  local deadline=$(( SECONDS + $2 ))
  while [ "$SECONDS" -lt "$deadline" ]; do
    expect_eq "$(probe_restarts "$1")" 0
    expect_eq "$(kubectl get pod "$1" -o jsonpath='{.status.phase}')" Running
    sleep 0.5
  done
}

# [sig-node] Probing container should *not* be restarted with a exec "cat /tmp/health" liveness
# probe: the file stays, the probe keeps passing, no restart.
t_sig_node_probing_container_should_not_be_restarted_with_a_exec_cat_tmp_health_liveness_probe() {
  probe_pod execok 'echo ok >/tmp/health; sleep 600' \
    '    livenessProbe: {exec: {command: [cat, /tmp/health]}, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1}' |
    kubectl apply -f - >/dev/null
  wait_running execok
  probe_never_restarted execok 8
}

# [sig-node] Probing container should be restarted with a exec "cat /tmp/health" liveness probe:
# the file is removed after 3 s, the probe fails, the container is restarted.
t_sig_node_probing_container_should_be_restarted_with_a_exec_cat_tmp_health_liveness_probe() {
  probe_pod execfail 'echo ok >/tmp/health; sleep 3; rm -f /tmp/health; sleep 600' \
    '    livenessProbe: {exec: {command: [cat, /tmp/health]}, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1}' |
    kubectl apply -f - >/dev/null
  wait_running execfail
  expect_eq "$(probe_restarts execfail)" 0
  wait_jsonpath execfail '{.status.containerStatuses[0].restartCount}' 1 30
  expect_contains "$(kubectl get events --field-selector involvedObject.name=execfail)" "failed liveness probe"
}

# [sig-node] Probing container should *not* be restarted with a /healthz http liveness probe: an
# HTTP server that keeps answering 200.
t_sig_node_probing_container_should_not_be_restarted_with_a_healthz_http_liveness_probe() {
  probe_pod httpok 'mkdir -p /w && echo ok >/w/healthz && exec httpd -f -p 8080 -h /w' \
    '    livenessProbe: {httpGet: {path: /healthz, port: 8080}, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1}' |
    kubectl apply -f - >/dev/null
  wait_running httpok
  probe_never_restarted httpok 8
}

# [sig-node] Probing container should be restarted with a /healthz http liveness probe: /healthz
# fails after 3 s, the container is restarted once.
t_sig_node_probing_container_should_be_restarted_with_a_healthz_http_liveness_probe() {
  probe_pod httpfail "$PROBE_LIVENESS_SERVER" \
    '    livenessProbe: {httpGet: {path: /healthz, port: 8080}, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1}' |
    kubectl apply -f - >/dev/null
  wait_running httpfail
  wait_jsonpath httpfail '{.status.containerStatuses[0].restartCount}' 1 30
}

# [sig-node] Probing container should *not* be restarted with a tcp:8080 liveness probe: the HTTP
# answers turn into errors after 3 s but the socket stays open, so a TCP probe keeps passing.
t_sig_node_probing_container_should_not_be_restarted_with_a_tcp_8080_liveness_probe() {
  probe_pod tcpok "$PROBE_LIVENESS_SERVER" \
    '    livenessProbe: {tcpSocket: {port: 8080}, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1}' |
    kubectl apply -f - >/dev/null
  wait_running tcpok
  probe_never_restarted tcpok 8
  # The HTTP handler does fail by now (what an httpGet probe would have seen).
  code="$(http_get -o /dev/null -w '%{http_code}' "http://$(pod_ip tcpok):8080/healthz" || true)"
  expect_eq "$code" 404
}

# [sig-node] Probing container should have monotonically increasing restart count: /healthz fails
# 3 s after every start; the restart count only grows (checked up to 3 restarts, the kubelet
# back-off of 10 s, 20 s ... makes 5 take minutes).
t_sig_node_probing_container_should_have_monotonically_increasing_restart_count() {
  probe_pod mono "$PROBE_LIVENESS_SERVER" \
    '    livenessProbe: {httpGet: {path: /healthz, port: 8080}, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1}' |
    kubectl apply -f - >/dev/null
  wait_running mono
  local last=0 now deadline=$(( SECONDS + 120 ))
  while [ "$last" -lt 3 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "restart count stuck at $last"; return 1; }
    now="$(probe_restarts mono)"
    [ "$now" -ge "$last" ] || { echo "restart count went from $last to $now"; return 1; }
    last="$now"
    sleep 0.5
  done
}

# [sig-node] Probing container with readiness probe should not be ready before initial delay and
# never restart: Ready only initialDelaySeconds (5) after the container started.
t_sig_node_probing_container_with_readiness_probe_should_not_be_ready_before_initial_delay_and_never_restart() {
  probe_pod delayed 'sleep 600' \
    '    readinessProbe: {exec: {command: ["true"]}, initialDelaySeconds: 5, periodSeconds: 1}' |
    kubectl apply -f - >/dev/null
  wait_phase delayed Running 60
  wait_jsonpath delayed '{.status.containerStatuses[0].ready}' true 30
  started="$(kubectl get pod delayed -o jsonpath='{.status.containerStatuses[0].state.running.startedAt}')"
  ready="$(kubectl get pod delayed -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
  gap=$(( $(date -d "$ready" +%s) - $(date -d "$started" +%s) ))
  [ "$gap" -ge 5 ] || { echo "ready ${gap}s after start (started $started, ready $ready)"; return 1; }
  [ "$gap" -le 15 ] || { echo "ready only ${gap}s after start"; return 1; }
  expect_eq "$(probe_restarts delayed)" 0
}

# [sig-node] Probing container with readiness probe that fails should never be ready and never
# restart.
t_sig_node_probing_container_with_readiness_probe_that_fails_should_never_be_ready_and_never_restart() {
  probe_pod notready 'sleep 600' \
    '    readinessProbe: {exec: {command: ["false"]}, periodSeconds: 1}' | kubectl apply -f - >/dev/null
  wait_phase notready Running 60
  local deadline=$(( SECONDS + 8 ))
  while [ "$SECONDS" -lt "$deadline" ]; do
    expect_eq "$(kubectl get pod notready -o jsonpath='{.status.containerStatuses[0].ready}')" false
    expect_eq "$(kubectl get pod notready -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" False
    expect_eq "$(probe_restarts notready)" 0
    sleep 0.5
  done
}

# [sig-node] Probing container should *not* be restarted with a GRPC liveness probe: the health
# service answers SERVING (stand-in for agnhost grpc-health-checking: image/.../grpc-health, a canned
# HTTP/2 reply; a NOT_SERVING pod beside it shows the probe reads the answer).
t_sig_node_probing_container_should_not_be_restarted_with_a_grpc_liveness_probe() {
  probe_pod grpcok 'exec grpc-health 5000 1' \
    '    livenessProbe: {grpc: {port: 5000}, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1}' |
    kubectl apply -f - >/dev/null
  probe_pod grpcnotserving 'exec grpc-health 5000 2' \
    '    livenessProbe: {grpc: {port: 5000}, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1}' |
    kubectl apply -f - >/dev/null
  wait_running grpcok
  probe_never_restarted grpcok 8
  wait_jsonpath grpcnotserving '{.status.containerStatuses[0].restartCount}' 1 30
  expect_contains "$(kubectl get events --field-selector involvedObject.name=grpcnotserving)" NOT_SERVING
}

# [sig-node] Probing container should be restarted with a GRPC liveness probe: the probe's port has
# no service (the health server listens elsewhere), so the container is restarted.
t_sig_node_probing_container_should_be_restarted_with_a_grpc_liveness_probe() {
  probe_pod grpcfail 'exec grpc-health 5000 1' \
    '    livenessProbe: {grpc: {port: 2333}, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1}' |
    kubectl apply -f - >/dev/null
  wait_jsonpath grpcfail '{.status.containerStatuses[0].restartCount}' 1 30
}

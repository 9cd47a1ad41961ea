# Probes, resource limits and graceful termination.

test_readiness_http_and_liveness_exec_probes() {
  # busybox httpd serves /var/www; readiness needs /www/ready to exist.
  cat <<YAML | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  nodeName: node-$NODE_ID
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: $NODE_IMAGE
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "mkdir -p /www && touch /alive && httpd -f -p 8080 -h /www"]
    readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1, failureThreshold: 1}
    livenessProbe: {exec: {command: ["test", "-f", "/alive"]}, periodSeconds: 1, failureThreshold: 2}
YAML
  wait_phase probed Running
  sleep 2
  expect_eq "$(kubectl get pod probed -o jsonpath='{.status.containerStatuses[0].ready}')" false
  ip="$(kubectl get pod probed -o jsonpath='{.status.podIP}')"
  # Make it ready from the host side: write through the container's root (exec arrives later).
  kubectl get pod probed -o jsonpath='{.status.containerStatuses[0].containerID}' | grep -q berth://
  cid="$(kubectl get pod probed -o jsonpath='{.status.containerStatuses[0].containerID}')"; cid="${cid#berth://}"
  runc --root "/run/berth/$NODE_ID/runc" exec "$cid" touch /www/ready
  wait_jsonpath probed '{.status.containerStatuses[0].ready}' true 15
  wget -q -O- "http://$ip:8080/ready" >/dev/null 2>&1 || /bin/busybox wget -q -O- "http://$ip:8080/ready" >/dev/null
  # Liveness: remove /alive, the container is killed and restarted.
  runc --root "/run/berth/$NODE_ID/runc" exec "$cid" rm /alive
  wait_jsonpath probed '{.status.containerStatuses[0].restartCount}' 1 30
  wait_event involvedObject.name=probed "Unhealthy"
  wait_event involvedObject.name=probed "failed liveness probe"
  kubectl delete pod probed --wait=true
}

test_tcp_probe_and_startup_probe() {
  pod_yaml tcpprobed 'sleep 2; mkdir -p /w; httpd -f -p 9000 -h /w' \
'    startupProbe: {tcpSocket: {port: 9000}, periodSeconds: 1, failureThreshold: 30}
    readinessProbe: {tcpSocket: {port: 9000}, periodSeconds: 1}' | kubectl apply -f -
  wait_jsonpath tcpprobed '{.status.containerStatuses[0].ready}' true 30
  expect_eq "$(kubectl get pod tcpprobed -o jsonpath='{.status.containerStatuses[0].started}')" true
  kubectl delete pod tcpprobed --wait=true
}

test_memory_limit_oom_killed() {
  RESTART=Never pod_yaml oom 'tail /dev/zero' \
'    resources: {limits: {memory: 16Mi}}' | kubectl apply -f -
  wait_phase oom Failed 60
  expect_eq "$(kubectl get pod oom -o jsonpath='{.status.containerStatuses[0].state.terminated.reason}')" OOMKilled
  expect_eq "$(kubectl get pod oom -o jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}')" 137
  kubectl delete pod oom --wait=true
}

test_graceful_termination_runs_the_trap() {
  GRACE=10 pod_yaml graceful 'trap \"echo got-term; exit 0\" TERM; echo started; while true; do sleep 0.2; done' | kubectl apply -f -
  wait_phase graceful Running
  start=$(date +%s)
  kubectl delete pod graceful --wait=true --timeout=30s
  took=$(( $(date +%s) - start ))
  [ "$took" -lt 8 ] || { echo "deletion took ${took}s: SIGTERM was not delivered"; return 1; }
}

test_deleted_pod_leaves_nothing_behind() {
  pod_yaml ephemeral 'sleep 3600' | kubectl apply -f -
  wait_phase ephemeral Running
  uid="$(kubectl get pod ephemeral -o jsonpath='{.metadata.uid}')"
  ip netns list | grep -q "berth-$NODE_ID-$uid"
  kubectl delete pod ephemeral --wait=true
  ! ip netns list | grep -q "$uid"
  ! grep -q "$uid" /proc/self/mountinfo
  [ ! -d "$E2E_DATA/pods/$uid" ]
  ! ls "$E2E_DATA/logs" 2>/dev/null | grep -q "$uid"
  ! runc --root "/run/berth/$NODE_ID/runc" list 2>/dev/null | grep -q "${uid//-/}"
}

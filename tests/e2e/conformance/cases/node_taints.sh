# Conformance: test/e2e/node/taints.go ([sig-node] NoExecuteTaintManager) on the one real node.
# Serial: a NoExecute taint on the node evicts every pod there that does not tolerate it.
CONF_SERIAL+=" t_sig_node_noexecutetaintmanager_multiple_pods_evicts_pods_with_mintolerationseconds"
CONF_SERIAL+=" t_sig_node_noexecutetaintmanager_single_pod_removing_taint_cancels_eviction"

# taint_pod NAME TOLERATION_SECONDS KEY: a pod tolerating KEY=evict:NoExecute for that long.
taint_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 1
  tolerations: [{key: "$3", operator: Equal, value: evict, effect: NoExecute, tolerationSeconds: $2}]
  containers: [{name: c, image: $IMG, command: [sleep, "3600"]}]
YAML
}

# Two pods tolerating the taint for 3 s and 12 s: each is evicted after its own time, in order.
t_sig_node_noexecutetaintmanager_multiple_pods_evicts_pods_with_mintolerationseconds() {
  key="conformance.berth.dev/taint-$NS"
  taint_pod taint-eviction-a 3 "$key" | kubectl apply -f - >/dev/null
  taint_pod taint-eviction-b 12 "$key" | kubectl apply -f - >/dev/null
  wait_running taint-eviction-a; wait_running taint-eviction-b
  trap "kubectl taint node '$NODE' '$key-' >/dev/null 2>&1 || true" EXIT
  kubectl taint node "$NODE" "$key=evict:NoExecute" >/dev/null
  start=$SECONDS
  eventually 30 sh -c 'kubectl get pod taint-eviction-a -o jsonpath={.metadata.deletionTimestamp} 2>/dev/null | grep -q . || ! kubectl get pod taint-eviction-a >/dev/null 2>&1'
  t_a=$((SECONDS - start))
  # b is still there and not being deleted when a goes.
  expect_eq "$(kubectl get pod taint-eviction-b -o jsonpath='{.metadata.deletionTimestamp}')" ""
  eventually 40 sh -c 'kubectl get pod taint-eviction-b -o jsonpath={.metadata.deletionTimestamp} 2>/dev/null | grep -q . || ! kubectl get pod taint-eviction-b >/dev/null 2>&1'
  t_b=$((SECONDS - start))
  echo "evicted a after ${t_a}s, b after ${t_b}s"
  [ "$t_a" -ge 2 ] && [ "$t_b" -ge 10 ] && [ "$t_b" -le 30 ]
}

# A pod tolerating the taint for 10 s is not evicted when the taint goes away after 3 s.
t_sig_node_noexecutetaintmanager_single_pod_removing_taint_cancels_eviction() {
  key="conformance.berth.dev/taint-$NS"
  taint_pod taint-eviction-4 10 "$key" | kubectl apply -f - >/dev/null
  wait_running taint-eviction-4
  trap "kubectl taint node '$NODE' '$key-' >/dev/null 2>&1 || true" EXIT
  kubectl taint node "$NODE" "$key=evict:NoExecute" >/dev/null
  sleep 3
  kubectl taint node "$NODE" "$key-" >/dev/null
  sleep 12   # past the toleration: the pod must still be there
  expect_eq "$(kubectl get pod taint-eviction-4 -o jsonpath='{.metadata.deletionTimestamp}|{.status.phase}')" "|Running"
}

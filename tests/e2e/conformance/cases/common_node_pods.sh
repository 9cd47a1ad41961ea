# Conformance: test/e2e/common/node/pods.go (sig-node Pods).

# [sig-node] Pods should get a host IP: a running pod reports status.hostIP.
t_sig_node_pods_should_get_a_host_ip() {
  conf_pod hostip 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_running hostip
  ip="$(kubectl get pod hostip -o jsonpath='{.status.hostIP}')"
  expect_match "$ip" '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$'
}

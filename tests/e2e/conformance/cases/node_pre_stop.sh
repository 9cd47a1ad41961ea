# Conformance: test/e2e/node/pre_stop.go (sig-node PreStop).

# [sig-node] PreStop should call prestop when killing a pod: a pod whose preStop hook POSTs to a
# server pod is deleted; the server received exactly that one call (hook-handler stands in for
# agnhost nettest's /write, its log for /read).
t_sig_node_prestop_should_call_prestop_when_killing_a_pod() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: server}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["hook-handler", "8080"]
    readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
YAML
  wait_running server
  ip="$(pod_ip server)"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: tester}
spec:
  terminationGracePeriodSeconds: 15
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
    lifecycle:
      preStop:
        exec:
          command: ["wget", "-qO-", "--post-data", '{"Source": "prestop"}', "http://$ip:8080/cgi-bin/echo?msg=prestop"]
YAML
  wait_running tester
  expect_eq "$(kubectl logs server | grep -c 'msg=prestop' || true)" 0
  kubectl delete pod tester --wait=false >/dev/null
  wait_gone tester 30
  eventually 10 sh -c "kubectl logs server | grep -qxF 'POST /echo?msg=prestop'"
  expect_eq "$(kubectl logs server | grep -c 'msg=prestop')" 1
}

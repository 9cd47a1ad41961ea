# Conformance: test/e2e/node/node_lifecycle.go ([sig-node] Node Lifecycle, v1.32).
# Serial: it adds a (fake, NoSchedule-tainted) Node object to the cluster for a few seconds.
CONF_SERIAL+=" t_sig_node_node_lifecycle_should_run_through_the_lifecycle_of_a_node"

# Create, get, patch, list by label, update and delete a Node through the API.
t_sig_node_node_lifecycle_should_run_through_the_lifecycle_of_a_node() {
  n="e2e-fake-node-$NS"
  trap "kubectl delete node '$n' --ignore-not-found >/dev/null 2>&1 || true" EXIT
  cat <<YAML | kubectl create -f - >/dev/null
apiVersion: v1
kind: Node
metadata: {name: $n, labels: {e2e: $NS}}
spec:
  taints: [{key: conformance.berth.dev/fake, effect: NoSchedule}]
YAML
  expect_eq "$(kubectl get node "$n" -o jsonpath='{.metadata.name}')" "$n"
  kubectl patch node "$n" --type=merge -p '{"metadata":{"labels":{"patched":"true"}}}' >/dev/null
  expect_eq "$(kubectl get node "$n" -o jsonpath='{.metadata.labels.patched}')" true
  expect_eq "$(kubectl get nodes -l "e2e=$NS,patched=true" -o name)" "node/$n"
  kubectl get node "$n" -o json | python3 -c '
import json, sys
n = json.load(sys.stdin); n["metadata"]["labels"]["updated"] = "true"; print(json.dumps(n))' >node.json
  kubectl replace -f node.json >/dev/null
  expect_eq "$(kubectl get node "$n" -o jsonpath='{.metadata.labels.updated}')" true
  kubectl delete node "$n" >/dev/null
  eventually 20 sh -c "! kubectl get node '$n' >/dev/null 2>&1"
  expect_eq "$(kubectl get nodes -l "e2e=$NS" -o name)" ""
}

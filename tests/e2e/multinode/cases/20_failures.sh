# A node that stops heart-beating, and a drain that respects a disruption budget.

test_pods_of_a_dead_node_move_elsewhere() {
  mn_deploy mover 3 "      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: mover}}}" |
    kubectl apply -f -
  mn_wait_running mover 3
  victim="$(mn_nodes_of mover | head -1)"
  mn_stop_agent "$victim"
  # Grace period 4 s: the node turns Unknown and is tainted unreachable.
  for _ in $(seq 1 200); do
    st="$(kubectl get node "$victim" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')"
    [ "$st" = Unknown ] && break; sleep 0.1
  done
  expect_eq "$st" "Unknown"
  out="$(kubectl get node "$victim" -o jsonpath='{.spec.taints[*].key}')"
  expect_contains "$out" "node.kubernetes.io/unreachable"
  # After the 2 s toleration the pods are evicted and replaced on the live nodes.
  for _ in $(seq 1 300); do
    live="$(kubectl get pods -l app=mover -o jsonpath='{range .items[?(@.status.phase=="Running")]}{.metadata.deletionTimestamp}{"|"}{.spec.nodeName}{"\n"}{end}' | grep '^|' | grep -vc "|$victim$" || true)"
    [ "$live" = 3 ] && break; sleep 0.1
  done
  expect_eq "$live" "3"
  kubectl get events -A --field-selector reason=TaintManagerEviction | grep -q mover
  # The node comes back: its taints go and the evicted pods left on it are cleaned up.
  mn_start_agent "$victim"
  for _ in $(seq 1 300); do
    st="$(kubectl get node "$victim" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')"
    taints="$(kubectl get node "$victim" -o jsonpath='{.spec.taints}')"
    left="$(kubectl get pods -l app=mover -o jsonpath="{.items[?(@.spec.nodeName==\"$victim\")].metadata.name}")"
    [ "$st" = True ] && [ -z "$taints" ] && [ -z "$left" ] && break; sleep 0.1
  done
  expect_eq "$st/$taints/$left" "True//"
  kubectl delete deployment mover --wait=true --timeout=60s
}

test_drain_moves_pods_within_the_budget() {
  mn_deploy budget 3 | kubectl apply -f -
  mn_wait_running budget 3
  cat <<YAML | kubectl apply -f -
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: budget}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: budget}}
YAML
  for _ in $(seq 1 100); do
    [ "$(kubectl get pdb budget -o jsonpath='{.status.disruptionsAllowed}')" = 1 ] && break; sleep 0.1
  done
  expect_eq "$(kubectl get pdb budget -o jsonpath='{.status.disruptionsAllowed}')" "1"
  target="$(mn_nodes_of budget | head -1)"
  kubectl drain "$target" --ignore-daemonsets --delete-emptydir-data --timeout=60s
  mn_wait_running budget 3
  if mn_nodes_of budget | grep -q "^$target$"; then echo "pod left on drained node"; return 1; fi
  expect_contains "$(kubectl get node "$target")" "SchedulingDisabled"
  kubectl uncordon "$target"
  kubectl delete pdb budget
  kubectl delete deployment budget --wait=true --timeout=60s
}

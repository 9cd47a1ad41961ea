# The agent dies (kill -9) and comes back: containers keep running and are adopted.

test_kill9_agent_adopts_running_containers() {
  pod_yaml survivor 'echo up; sleep 3600' | kubectl apply -f -
  wait_jsonpath survivor '{.status.conditions[?(@.type=="Ready")].status}' True
  before="$(kubectl get pod survivor -o jsonpath='{.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].state.running.startedAt}')"
  node_kill9
  # Containers keep running without the agent.
  runc --root "/run/berth/$NODE_ID/runc" list | grep -q running
  node_up
  sleep 2
  after="$(kubectl get pod survivor -o jsonpath='{.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].state.running.startedAt}')"
  expect_eq "$after" "$before"
  expect_eq "$(kubectl get pod survivor -o jsonpath='{.status.phase}')" Running
  out="$(kubectl logs survivor)"
  expect_contains "$out" "up"
  kubectl delete pod survivor --wait=true
}

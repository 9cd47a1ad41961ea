# Conformance: test/e2e/scheduling/predicates.go ([sig-scheduling] SchedulerPredicates), on the one
# real node. Serial: they label the node or fill its ports.
CONF_SERIAL+=" t_sig_scheduling_schedulerpredicates_validates_resource_limits_of_pods_that_are_allowed_to_run"
CONF_SERIAL+=" t_sig_scheduling_schedulerpredicates_validates_that_nodeselector_is_respected_if_matching"
CONF_SERIAL+=" t_sig_scheduling_schedulerpredicates_validates_that_nodeselector_is_respected_if_not_matching"
CONF_SERIAL+=" t_sig_scheduling_schedulerpredicates_validates_that_there_exists_conflict_between_pods_with_same_hostport_and_protocol_but_one_using_0_0_0_0_hostip"

# sched_pod NAME 'extra spec yaml' [container extra yaml]: a sleeping pod for the scheduler (no nodeName).
sched_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 1
$2
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "3600"]
${3:-}
YAML
}

# sched_unschedulable POD: the pod stays unbound with PodScheduled=False/Unschedulable.
sched_unschedulable() {
  eventually 30 sh -c "[ \"\$(kubectl get pod $1 -o jsonpath='{.status.conditions[?(@.type==\"PodScheduled\")].reason}')\" = Unschedulable ]"
  expect_eq "$(kubectl get pod "$1" -o jsonpath='{.spec.nodeName}')" ""
}

# A pod asking for more CPU than the node can allocate is not scheduled; one that fits runs.
t_sig_scheduling_schedulerpredicates_validates_resource_limits_of_pods_that_are_allowed_to_run() {
  alloc="$(kubectl get node "$NODE" -o jsonpath='{.status.allocatable.cpu}')"
  [ -n "$alloc" ]
  sched_pod fits '' '    resources: {requests: {cpu: 10m}, limits: {cpu: 10m}}' | kubectl apply -f - >/dev/null
  sched_pod too-big '' '    resources: {requests: {cpu: "1000"}, limits: {cpu: "1000"}}' | kubectl apply -f - >/dev/null
  wait_running fits
  sched_unschedulable too-big
  msg="$(kubectl get pod too-big -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}')"
  expect_contains "$msg" "Insufficient cpu"
  eventually 20 sh -c "kubectl get events --field-selector involvedObject.name=too-big | grep -q FailedScheduling"
}

t_sig_scheduling_schedulerpredicates_validates_that_nodeselector_is_respected_if_matching() {
  key="conformance.berth.dev/$NS"
  kubectl label node "$NODE" "$key=42" >/dev/null
  trap "kubectl label node '$NODE' '$key-' >/dev/null 2>&1 || true" EXIT
  sched_pod with-labels "  nodeSelector: {\"$key\": \"42\"}" | kubectl apply -f - >/dev/null
  wait_running with-labels
  expect_eq "$(kubectl get pod with-labels -o jsonpath='{.spec.nodeName}')" "$NODE"
}

t_sig_scheduling_schedulerpredicates_validates_that_nodeselector_is_respected_if_not_matching() {
  sched_pod restricted "  nodeSelector: {\"conformance.berth.dev/$NS\": nonempty}" | kubectl apply -f - >/dev/null
  sched_unschedulable restricted
  msg="$(kubectl get pod restricted -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}')"
  expect_contains "$msg" "didn't match Pod's node affinity/selector"
}

# hostPort 54321/TCP on 0.0.0.0 conflicts with the same port and protocol on 127.0.0.1.
t_sig_scheduling_schedulerpredicates_validates_that_there_exists_conflict_between_pods_with_same_hostport_and_protocol_but_one_using_0_0_0_0_hostip() {
  sched_pod pod4 '' '    ports: [{containerPort: 8080, hostPort: 54321, protocol: TCP}]' | kubectl apply -f - >/dev/null
  wait_running pod4
  sched_pod pod5 '' '    ports: [{containerPort: 8080, hostPort: 54321, hostIP: 127.0.0.1, protocol: TCP}]' | kubectl apply -f - >/dev/null
  sched_unschedulable pod5
  msg="$(kubectl get pod pod5 -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}')"
  expect_contains "$msg" "free ports"
}

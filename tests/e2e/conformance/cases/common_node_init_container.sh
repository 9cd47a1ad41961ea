# Conformance: test/e2e/common/node/init_container.go (sig-node InitContainer).

# init_pod NAME RESTART-POLICY INIT1-CMD INIT2-CMD APP-CMD: a pod with two init containers.
init_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: $2
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: init1, image: $IMG, imagePullPolicy: IfNotPresent, command: ["sh", "-c", "$3"]}
  - {name: init2, image: $IMG, imagePullPolicy: IfNotPresent, command: ["sh", "-c", "$4"]}
  containers:
  - {name: run1, image: $IMG, imagePullPolicy: IfNotPresent, command: ["sh", "-c", "$5"]}
YAML
}

init_cond() {  # init_cond POD TYPE: status/reason of a pod condition
  kubectl get pod "$1" -o jsonpath="{.status.conditions[?(@.type==\"$2\")].status}/{.status.conditions[?(@.type==\"$2\")].reason}"
}

# [sig-node] InitContainer should invoke init containers on a RestartNever pod: both init
# containers run to completion in order, then the app container; nothing restarts. (Each appends
# its name to a shared emptyDir; the app container reports the file as its termination message.)
t_sig_node_initcontainer_should_invoke_init_containers_on_a_restartnever_pod() {
  init_pod init-never Never 'echo init1 >> /shared/order' 'echo init2 >> /shared/order' \
    'echo run1 >> /shared/order; cat /shared/order > /dev/termination-log' |
    sed 's|command: \(\[.*\]\)}|command: \1, volumeMounts: [{name: shared, mountPath: /shared}]}|' |
    { cat; echo '  volumes: [{name: shared, emptyDir: {}}]'; } | kubectl apply -f - >/dev/null
  wait_phase init-never Succeeded 60
  local ics='{range .status.initContainerStatuses[*]}{.name}={.state.terminated.exitCode}/{.restartCount} {end}'
  expect_eq "$(kubectl get pod init-never -o jsonpath="$ics")" "init1=0/0 init2=0/0 "
  expect_eq "$(kubectl get pod init-never -o jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}/{.status.containerStatuses[0].restartCount}')" "0/0"
  expect_eq "$(init_cond init-never Initialized | cut -d/ -f1)" True
  expect_eq "$(kubectl get pod init-never -o json | jq -c '.status.containerStatuses[0].state.terminated.message')" '"init1\ninit2\nrun1\n"'
}

# [sig-node] InitContainer should invoke init containers on a RestartAlways pod: init containers
# complete, then the app container runs and keeps running.
t_sig_node_initcontainer_should_invoke_init_containers_on_a_restartalways_pod() {
  init_pod init-always Always true true 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_running init-always
  local ics='{range .status.initContainerStatuses[*]}{.name}={.state.terminated.exitCode}/{.restartCount} {end}'
  expect_eq "$(kubectl get pod init-always -o jsonpath="$ics")" "init1=0/0 init2=0/0 "
  expect_eq "$(init_cond init-always Initialized | cut -d/ -f1)" True
  expect_eq "$(kubectl get pod init-always -o jsonpath='{.status.containerStatuses[0].restartCount}')" 0
  expect_match "$(kubectl get pod init-always -o jsonpath='{.status.containerStatuses[0].state.running.startedAt}')" '^20'
}

# [sig-node] InitContainer should not start app containers if init containers fail on a
# RestartAlways pod: a failing first init container is restarted with back-off while the second
# one and the app container never start and the pod stays Pending.
t_sig_node_initcontainer_should_not_start_app_containers_if_init_containers_fail_on_a_restartalways_pod() {
  init_pod init-fail-always Always false true 'sleep 3600' | kubectl apply -f - >/dev/null
  local deadline=$((SECONDS + 60)) rc=0
  while [ "$SECONDS" -lt "$deadline" ]; do
    rc="$(kubectl get pod init-fail-always -o jsonpath='{.status.initContainerStatuses[0].restartCount}')"
    [ "${rc:-0}" -ge 2 ] && break
    sleep 0.5
  done
  [ "${rc:-0}" -ge 2 ] || { echo "init1 restarted $rc times, wanted >= 2"; kubectl get pod init-fail-always -o yaml; return 1; }
  expect_eq "$(kubectl get pod init-fail-always -o jsonpath='{.status.phase}')" Pending
  expect_eq "$(init_cond init-fail-always Initialized)" False/ContainersNotInitialized
  expect_eq "$(kubectl get pod init-fail-always -o jsonpath='{.status.initContainerStatuses[0].lastState.terminated.exitCode}')" 1
  expect_eq "$(kubectl get pod init-fail-always -o jsonpath='{.status.initContainerStatuses[1].state.waiting.reason}/{.status.initContainerStatuses[1].restartCount}')" PodInitializing/0
  expect_eq "$(kubectl get pod init-fail-always -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}/{.status.containerStatuses[0].restartCount}')" PodInitializing/0
}

# [sig-node] InitContainer should not start app containers and fail the pod if init containers
# fail on a RestartNever pod: the second init container fails, the pod is Failed and the app
# container never started.
t_sig_node_initcontainer_should_not_start_app_containers_and_fail_the_pod_if_init_containers_fail_on_a_restartnever_pod() {
  init_pod init-fail-never Never true false 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_phase init-fail-never Failed 60
  local ics='{range .status.initContainerStatuses[*]}{.name}={.state.terminated.exitCode}/{.restartCount} {end}'
  expect_eq "$(kubectl get pod init-fail-never -o jsonpath="$ics")" "init1=0/0 init2=1/0 "
  expect_eq "$(init_cond init-fail-never Initialized)" False/ContainersNotInitialized
  expect_eq "$(kubectl get pod init-fail-never -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}/{.status.containerStatuses[0].restartCount}')" PodInitializing/0
  sleep 1
  expect_eq "$(kubectl get pod init-fail-never -o jsonpath='{.status.containerStatuses[0].state.running}')" ""
}

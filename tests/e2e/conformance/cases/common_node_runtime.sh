# Conformance: test/e2e/common/node/runtime.go (sig-node Container Runtime blackbox tests).

# runtime_term_pod NAME 'COMMAND' [extra container yaml lines]: a restartPolicy Never pod whose
# container has terminationMessagePolicy FallbackToLogsOnError unless the extra lines say otherwise.
runtime_term_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "$2"]
${3:-    terminationMessagePolicy: FallbackToLogsOnError}
YAML
}

# runtime_term_message POD: the terminated container's message as a JSON string (exact bytes).
runtime_term_message() {
  kubectl get pod "$1" -o json | jq -c '.status.containerStatuses[0].state.terminated.message // ""'
}

# [sig-node] Container Runtime blackbox test on terminated container should report termination
# message as empty when pod succeeds and TerminationMessagePolicy FallbackToLogsOnError is set:
# a successful container's log output does not become its message.
t_sig_node_container_runtime_blackbox_test_on_terminated_container_should_report_termination_message_as_empty_when_pod_succeeds_and_terminationmessagepolicy_fallbacktologsonerror_is_set() {
  runtime_term_pod term-empty 'echo -n DONE; true' | kubectl apply -f - >/dev/null
  wait_phase term-empty Succeeded 60
  expect_eq "$(kubectl get pod term-empty -o jsonpath='{.status.containerStatuses[0].state.terminated.reason}')" Completed
  expect_eq "$(runtime_term_message term-empty)" '""'
}

# [sig-node] Container Runtime blackbox test on terminated container should report termination
# message from file when pod succeeds and TerminationMessagePolicy FallbackToLogsOnError is set:
# what the container wrote to /dev/termination-log is its message.
t_sig_node_container_runtime_blackbox_test_on_terminated_container_should_report_termination_message_from_file_when_pod_succeeds_and_terminationmessagepolicy_fallbacktologsonerror_is_set() {
  runtime_term_pod term-file 'echo -n OK > /dev/termination-log; echo some-log-output' | kubectl apply -f - >/dev/null
  wait_phase term-file Succeeded 60
  expect_eq "$(runtime_term_message term-file)" '"OK"'
}

# [sig-node] Container Runtime blackbox test on terminated container should report termination
# message from log output if TerminationMessagePolicy FallbackToLogsOnError is set: a failed
# container without a message file gets its log tail as message.
t_sig_node_container_runtime_blackbox_test_on_terminated_container_should_report_termination_message_from_log_output_if_terminationmessagepolicy_fallbacktologsonerror_is_set() {
  runtime_term_pod term-log 'echo -n DONE; false' | kubectl apply -f - >/dev/null
  wait_phase term-log Failed 60
  expect_eq "$(runtime_term_message term-log)" '"DONE"'
}

# [sig-node] Container Runtime blackbox test on terminated container should report termination
# message if TerminationMessagePath is set as non-root user and at a non-default path: uid 1000
# writes the message to a custom path and it is reported.
t_sig_node_container_runtime_blackbox_test_on_terminated_container_should_report_termination_message_if_terminationmessagepath_is_set_as_non_root_user_and_at_a_non_default_path() {
  runtime_term_pod term-nonroot 'echo -n DONE > /dev/termination-custom-log' \
    '    terminationMessagePath: /dev/termination-custom-log
    securityContext: {runAsUser: 1000}' | kubectl apply -f - >/dev/null
  wait_phase term-nonroot Succeeded 60
  expect_eq "$(runtime_term_message term-nonroot)" '"DONE"'
}

# [sig-node] Container Runtime blackbox test when starting a container that exits should run with
# the expected status: a container failing once, then succeeding once, then running forever is
# restarted per restartPolicy (Always: 2 restarts, Running; OnFailure: 1, Succeeded; Never: 0,
# Failed); the run count is kept in an emptyDir.
t_sig_node_container_runtime_blackbox_test_when_starting_a_container_that_exits_should_run_with_the_expected_status() {
  local script='f=/restart-count/count; echo hello >> $f; n=$(wc -l < $f); [ $n -eq 1 ] && exit 1; [ $n -eq 2 ] && exit 0; while true; do sleep 1; done'
  for p in Always:rpa OnFailure:rpof Never:rpn; do
    kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: terminate-cmd-${p#*:}}
spec:
  restartPolicy: ${p%%:*}
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", '$script']
    volumeMounts: [{name: restart-count, mountPath: /restart-count}]
  volumes: [{name: restart-count, emptyDir: {medium: Memory}}]
YAML
  done
  local st='{.status.phase}/{.status.containerStatuses[0].restartCount}/{.status.containerStatuses[0].ready}/{.status.containerStatuses[0].state.terminated.exitCode}'
  wait_jsonpath terminate-cmd-rpn "$st" "Failed/0/false/1" 60
  wait_jsonpath terminate-cmd-rpof "$st" "Succeeded/1/false/0" 60
  wait_jsonpath terminate-cmd-rpa '{.status.phase}/{.status.containerStatuses[0].restartCount}/{.status.containerStatuses[0].ready}' "Running/2/true" 90
  expect_match "$(kubectl get pod terminate-cmd-rpa -o jsonpath='{.status.containerStatuses[0].state.running.startedAt}')" '^20'
  # Nothing restarts any more: the counts stay.
  sleep 2
  expect_eq "$(kubectl get pod terminate-cmd-rpn -o jsonpath="$st")" "Failed/0/false/1"
  expect_eq "$(kubectl get pod terminate-cmd-rpof -o jsonpath="$st")" "Succeeded/1/false/0"
  expect_eq "$(kubectl get pod terminate-cmd-rpa -o jsonpath='{.status.containerStatuses[0].restartCount}')" 2
}

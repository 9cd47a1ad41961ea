# Conformance: test/e2e/common/node/expansion.go (sig-node Variable Expansion).

# expansion_pod NAME RESTART 'command json' 'env yaml (list items, 4 spaces)' ['volumeMounts yaml'] ['metadata extra']:
# a pod of the test image with an emptyDir "workdir1" when volumeMounts are given.
expansion_pod() {
  local mounts="" volumes=""
  if [ -n "${5:-}" ]; then
    mounts="    volumeMounts:
$5"
    volumes="  volumes: [{name: workdir1, emptyDir: {}}]"
  fi
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
${6:-}
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: $2
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: $3
    env:
$4
$mounts
$volumes
YAML
}

# expansion_config_error POD: the container never starts and waits with CreateContainerConfigError.
expansion_config_error() {
  wait_jsonpath "$1" '{.status.containerStatuses[0].state.waiting.reason}' CreateContainerConfigError 40
  expect_eq "$(kubectl get pod "$1" -o jsonpath='{.status.phase}')" Pending
  expect_eq "$(kubectl get pod "$1" -o jsonpath='{.status.containerStatuses[0].restartCount}')" 0
}

# [sig-node] Variable Expansion should allow composing env vars into new env vars: $(FOO) in a later
# env value expands; $$(FOO) stays literal; an undefined $(NOPE) stays as written.
t_sig_node_variable_expansion_should_allow_composing_env_vars_into_new_env_vars() {
  expansion_pod compose Never '["env"]' '    - {name: FOO, value: foo-value}
    - {name: BAR, value: bar-value}
    - {name: FOOBAR, value: "$(FOO);;$(BAR)"}
    - {name: ESCAPED, value: "$$(FOO)"}
    - {name: UNDEFINED, value: "$(NOPE)x"}' | kubectl apply -f - >/dev/null
  wait_phase compose Succeeded 60
  out="$(kubectl logs compose)"
  expect_contains "$out" "FOOBAR=foo-value;;bar-value"
  expect_contains "$out" 'ESCAPED=$(FOO)'
  expect_contains "$out" 'UNDEFINED=$(NOPE)x'
}

# [sig-node] Variable Expansion should allow substituting values in a container's command:
# $(TEST_VAR) in command is replaced before the process starts (not by the shell).
t_sig_node_variable_expansion_should_allow_substituting_values_in_a_container_s_command() {
  expansion_pod cmdexp Never '["sh", "-c", "echo '"'"'cmd:$(TEST_VAR):$$(TEST_VAR)'"'"'"]' \
    '    - {name: TEST_VAR, value: test-value}' | kubectl apply -f - >/dev/null
  wait_phase cmdexp Succeeded 60
  expect_eq "$(kubectl logs cmdexp)" 'cmd:test-value:$(TEST_VAR)'
}

# [sig-node] Variable Expansion should allow substituting values in a container's args.
t_sig_node_variable_expansion_should_allow_substituting_values_in_a_container_s_args() {
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: argsexp}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c"]
    args: ["echo args:\$(TEST_VAR)"]
    env: [{name: TEST_VAR, value: test-value}]
YAML
  wait_phase argsexp Succeeded 60
  expect_eq "$(kubectl logs argsexp)" "args:test-value"
}

# [sig-node] Variable Expansion should allow substituting values in a volume subpath: subPathExpr
# $(POD_NAME) mounts the volume's <pod name> directory.
t_sig_node_variable_expansion_should_allow_substituting_values_in_a_volume_subpath() {
  expansion_pod subpath Never '["sh", "-c", "echo hi >/logscontainer/f && test -f /testcontainer/$POD_NAME/f && echo found"]' \
    '    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}' \
    '    - {name: workdir1, mountPath: /logscontainer, subPathExpr: "$(POD_NAME)"}
    - {name: workdir1, mountPath: /testcontainer}' | kubectl apply -f - >/dev/null
  wait_phase subpath Succeeded 60
  expect_eq "$(kubectl logs subpath)" found
}

# [sig-node] Variable Expansion should fail substituting values in a volume subpath with absolute
# path: a subPathExpr that expands to "/tmp" keeps the container from starting.
t_sig_node_variable_expansion_should_fail_substituting_values_in_a_volume_subpath_with_absolute_path() {
  expansion_pod abs Never '["sh", "-c", "true"]' '    - {name: POD_NAME, value: /tmp}' \
    '    - {name: workdir1, mountPath: /logscontainer, subPathExpr: "$(POD_NAME)"}' |
    kubectl apply -f - >/dev/null
  expansion_config_error abs
}

# [sig-node] Variable Expansion should fail substituting values in a volume subpath with backticks:
# a subPathExpr that expands to ".." (the upstream test's value) keeps the container from starting.
t_sig_node_variable_expansion_should_fail_substituting_values_in_a_volume_subpath_with_backticks() {
  expansion_pod dotdot Never '["sh", "-c", "true"]' '    - {name: POD_NAME, value: ".."}' \
    '    - {name: workdir1, mountPath: /logscontainer, subPathExpr: "$(POD_NAME)"}' |
    kubectl apply -f - >/dev/null
  expansion_config_error dotdot
}

# [sig-node] Variable Expansion should succeed in writing subpaths in container: a subPathExpr from
# an annotation is writable and lands in the volume; changing the annotation does not block deletion.
t_sig_node_variable_expansion_should_succeed_in_writing_subpaths_in_container() {
  expansion_pod writer Always '["sh", "-c", "sleep 3600"]' '    - name: ANNOTATION
      valueFrom: {fieldRef: {fieldPath: "metadata.annotations['"'"'mysubpath'"'"']"}}' \
    '    - {name: workdir1, mountPath: /subpath_mount, subPathExpr: "$(ANNOTATION)"}
    - {name: workdir1, mountPath: /volume_mount}' '  annotations: {mysubpath: foo}' |
    kubectl apply -f - >/dev/null
  wait_running writer
  in_pod writer touch /subpath_mount/test.log
  in_pod writer test -f /volume_mount/foo/test.log
  kubectl annotate pod writer --overwrite mysubpath=mynewpath >/dev/null
  kubectl delete pod writer --wait=true --timeout=60s >/dev/null
}

# [sig-node] Variable Expansion should verify that a failing subpath expansion can be modified
# during the lifecycle of a container: "$(ANNOTATION)/$(POD_NAME)" is absolute while the annotation
# is missing; once it is set, the container starts.
t_sig_node_variable_expansion_should_verify_that_a_failing_subpath_expansion_can_be_modified_during_the_lifecycle_of_a_container() {
  expansion_pod lifecycle Always '["sh", "-c", "sleep 3600"]' '    - {name: POD_NAME, value: foo}
    - name: ANNOTATION
      valueFrom: {fieldRef: {fieldPath: "metadata.annotations['"'"'mysubpath'"'"']"}}' \
    '    - {name: workdir1, mountPath: /subpath_mount, subPathExpr: "$(ANNOTATION)/$(POD_NAME)"}
    - {name: workdir1, mountPath: /volume_mount}' '  annotations: {notmysubpath: mypath}' |
    kubectl apply -f - >/dev/null
  expansion_config_error lifecycle
  kubectl annotate pod lifecycle mysubpath=mypath >/dev/null
  wait_running lifecycle 60
  in_pod lifecycle sh -c 'touch /subpath_mount/x && test -f /volume_mount/mypath/foo/x'
  kubectl delete pod lifecycle --wait=true --timeout=60s >/dev/null
}

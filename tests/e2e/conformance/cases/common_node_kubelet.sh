# Conformance: test/e2e/common/node/kubelet.go (sig-node Kubelet).

# [sig-node] Kubelet when scheduling a busybox command in a pod should print the output to logs:
# what the container prints on stdout is in its log.
t_sig_node_kubelet_when_scheduling_a_busybox_command_in_a_pod_should_print_the_output_to_logs() {
  RESTART=Never conf_pod busybox-logs 'echo Hello World; echo to-stderr >&2' | kubectl apply -f - >/dev/null
  wait_phase busybox-logs Succeeded 60
  out="$(kubectl logs busybox-logs)"
  expect_contains "$out" "Hello World"
  expect_contains "$out" "to-stderr"
}

# [sig-node] Kubelet when scheduling a busybox command that always fails in a pod should have an
# terminated reason: the one container of a failing pod ends terminated with a reason.
t_sig_node_kubelet_when_scheduling_a_busybox_command_that_always_fails_in_a_pod_should_have_an_terminated_reason() {
  RESTART=Never conf_pod bin-false '/bin/false' | kubectl apply -f - >/dev/null
  wait_phase bin-false Failed 60
  expect_eq "$(kubectl get pod bin-false -o jsonpath='{.status.containerStatuses[*].name}')" c
  expect_eq "$(kubectl get pod bin-false -o jsonpath='{.status.containerStatuses[0].state.terminated.reason}')" Error
  expect_eq "$(kubectl get pod bin-false -o jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}')" 1
}

# [sig-node] Kubelet when scheduling a busybox command that always fails in a pod should be
# possible to delete: a crash-looping pod can be deleted and goes away.
t_sig_node_kubelet_when_scheduling_a_busybox_command_that_always_fails_in_a_pod_should_be_possible_to_delete() {
  conf_pod bin-false '/bin/false' | kubectl apply -f - >/dev/null
  wait_jsonpath bin-false '{.status.containerStatuses[0].lastState.terminated.reason}' Error 60
  kubectl delete pod bin-false --wait=false >/dev/null
  wait_gone bin-false 30
}

# [sig-node] Kubelet when scheduling a read only busybox container should not write to root
# filesystem: with readOnlyRootFilesystem a write to / fails (and a write to a volume does not).
t_sig_node_kubelet_when_scheduling_a_read_only_busybox_container_should_not_write_to_root_filesystem() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: readonly}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo test > /file && echo wrote-root; echo ok > /scratch/f && echo wrote-volume"]
    securityContext: {readOnlyRootFilesystem: true}
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  volumes: [{name: scratch, emptyDir: {}}]
YAML
  wait_phase readonly Succeeded 60
  out="$(kubectl logs readonly)"
  expect_contains "$out" "Read-only file system"
  expect_not_contains "$out" "wrote-root"
  expect_contains "$out" "wrote-volume"
}

# [sig-node] Kubelet when scheduling an agnhost Pod with hostAliases should write entries to
# /etc/hosts: the hostAliases appear in the container's /etc/hosts (cat stands in for agnhost).
t_sig_node_kubelet_when_scheduling_an_agnhost_pod_with_hostaliases_should_write_entries_to_etc_hosts() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: hostaliases}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  hostAliases:
  - {ip: 123.45.67.89, hostnames: [foo, bar]}
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["cat", "/etc/hosts"]
YAML
  wait_phase hostaliases Succeeded 60
  out="$(kubectl logs hostaliases)"
  expect_match "$out" $'^123\\.45\\.67\\.89\tfoo\tbar$'
}

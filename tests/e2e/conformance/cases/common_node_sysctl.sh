# Conformance: test/e2e/common/node/sysctl.go (sig-node Sysctls).

# [sig-node] Sysctls should support sysctls: a safe, namespaced sysctl from the pod's
# securityContext is set inside the pod (and not on the node).
t_sig_node_sysctls_should_support_sysctls_minimumkubeletversion_1_21() {
  local host; host="$(cat /proc/sys/kernel/shm_rmid_forced)"
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: sysctl}
spec:
  restartPolicy: Never
  securityContext:
    sysctls: [{name: kernel.shm_rmid_forced, value: "1"}]
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sysctl", "kernel.shm_rmid_forced"]
YAML
  wait_phase sysctl Succeeded 60
  expect_eq "$(kubectl logs sysctl)" "kernel.shm_rmid_forced = 1"
  expect_eq "$(cat /proc/sys/kernel/shm_rmid_forced)" "$host"
}

# [sig-node] Sysctls should reject invalid sysctls: names that are not sysctl names are refused by
# validation; valid names (even unsafe ones) are not named in the error.
t_sig_node_sysctls_should_reject_invalid_sysctls_minimumkubeletversion_1_21() {
  expect_fail kubectl create -f - <<YAML
apiVersion: v1
kind: Pod
metadata: {name: badsysctl}
spec:
  securityContext:
    sysctls:
    - {name: foo-, value: bar}
    - {name: kernel.shmmax, value: "100000000"}
    - {name: safe-and-unsafe, value: "100000000"}
    - {name: bar.., value: "42"}
  containers: [{name: c, image: $IMG, command: ["true"]}]
YAML
  expect_contains "$OUT" 'Invalid value: "foo-"'
  expect_contains "$OUT" 'Invalid value: "bar.."'
  expect_not_contains "$OUT" "safe-and-unsafe"
  expect_not_contains "$OUT" "kernel.shmmax"
  expect_fail kubectl get pod badsysctl
}

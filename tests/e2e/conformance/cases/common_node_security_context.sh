# Conformance: test/e2e/common/node/security_context.go (sig-node Security Context).

# security_context_pod NAME 'shell command' 'container securityContext (flow)' ['pod securityContext (flow)']
security_context_pod() {
  local psc="${4:-}"
  [ -n "$psc" ] || psc='{}'
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: Never
  securityContext: $psc
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "$2"]
    securityContext: $3
YAML
}

# [sig-node] Security Context When creating a container with runAsUser should run the container
# with uid 65534: the process runs as 65534 and the pod succeeds.
t_sig_node_security_context_when_creating_a_container_with_runasuser_should_run_the_container_with_uid_65534() {
  security_context_pod uid65534 'id -u' '{runAsUser: 65534}' | kubectl apply -f - >/dev/null
  wait_phase uid65534 Succeeded 60
  expect_eq "$(kubectl logs uid65534)" 65534
}

# [sig-node] Security Context When creating a pod with privileged should run the container as
# unprivileged when false: creating a network link is refused (no CAP_NET_ADMIN), pod succeeds.
t_sig_node_security_context_when_creating_a_pod_with_privileged_should_run_the_container_as_unprivileged_when_false() {
  security_context_pod unpriv 'ip link add dummy1 type dummy 2>&1 || echo refused' '{privileged: false}' |
    kubectl apply -f - >/dev/null
  wait_phase unpriv Succeeded 60
  out="$(kubectl logs unpriv)"
  expect_contains "$out" "refused"
  expect_contains "$out" "Operation not permitted"
}

# [sig-node] Security Context When creating a pod with readOnlyRootFilesystem should run the
# container with writable rootfs when readOnlyRootFilesystem=false (and, as a control, a read-only
# one refuses the same write).
t_sig_node_security_context_when_creating_a_pod_with_readonlyrootfilesystem_should_run_the_container_with_writable_rootfs_when_readonlyrootfilesystem_false() {
  security_context_pod rw 'echo data >/file && cat /file' '{readOnlyRootFilesystem: false}' |
    kubectl apply -f - >/dev/null
  security_context_pod ro 'echo data >/file' '{readOnlyRootFilesystem: true}' | kubectl apply -f - >/dev/null
  wait_phase rw Succeeded 60
  expect_eq "$(kubectl logs rw)" data
  wait_phase ro Failed 60
  expect_contains "$(kubectl logs ro)" "Read-only file system"
}

# [sig-node] Security Context when creating containers with AllowPrivilegeEscalation should not
# allow privilege escalation when false: uid 1000 with no_new_privs set (the kernel then ignores
# setuid bits; the busybox image has no setuid binary, so the flag is read from /proc).
t_sig_node_security_context_when_creating_containers_with_allowprivilegeescalation_should_not_allow_privilege_escalation_when_false() {
  security_context_pod nonewprivs 'id -u; grep NoNewPrivs /proc/self/status' \
    '{runAsUser: 1000, allowPrivilegeEscalation: false}' | kubectl apply -f - >/dev/null
  security_context_pod newprivs 'id -u; grep NoNewPrivs /proc/self/status' \
    '{runAsUser: 1000, allowPrivilegeEscalation: true}' | kubectl apply -f - >/dev/null
  wait_phase nonewprivs Succeeded 60
  out="$(kubectl logs nonewprivs)"
  expect_match "$out" '^1000$'
  expect_match "$out" '^NoNewPrivs:[[:space:]]+1$'
  wait_phase newprivs Succeeded 60
  expect_match "$(kubectl logs newprivs)" '^NoNewPrivs:[[:space:]]+0$'
}

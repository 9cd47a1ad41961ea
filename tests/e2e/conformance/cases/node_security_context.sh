# Conformance: test/e2e/node/security_context.go (sig-node Security Context, uid and gid).

# node_security_context_pod NAME 'pod securityContext' 'container securityContext'
node_security_context_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: Never
  securityContext: $2
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo uid=\$(id -u) gid=\$(id -g)"]
    securityContext: $3
YAML
}

# [sig-node] Security Context should support container.SecurityContext.RunAsUser And
# container.SecurityContext.RunAsGroup: the container's values win over the pod's.
t_sig_node_security_context_should_support_container_securitycontext_runasuser_and_container_securitycontext_runasgroup() {
  node_security_context_pod ctr '{runAsUser: 3003, runAsGroup: 4004}' '{runAsUser: 1001, runAsGroup: 2002}' |
    kubectl apply -f - >/dev/null
  wait_phase ctr Succeeded 60
  expect_eq "$(kubectl logs ctr)" "uid=1001 gid=2002"
}

# [sig-node] Security Context should support pod.Spec.SecurityContext.RunAsUser And
# pod.Spec.SecurityContext.RunAsGroup.
t_sig_node_security_context_should_support_pod_spec_securitycontext_runasuser_and_pod_spec_securitycontext_runasgroup() {
  node_security_context_pod podlevel '{runAsUser: 1001, runAsGroup: 2002}' '{}' | kubectl apply -f - >/dev/null
  wait_phase podlevel Succeeded 60
  expect_eq "$(kubectl logs podlevel)" "uid=1001 gid=2002"
}

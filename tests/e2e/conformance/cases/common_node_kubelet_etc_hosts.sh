# Conformance: test/e2e/common/node/kubelet_etc_hosts.go (sig-node KubeletManagedEtcHosts).

# etchosts_container NAME [extra volumeMounts entries]: a sleeping container that sees the node's
# /etc/hosts at /etc/hosts-original.
etchosts_container() {
  cat <<YAML
  - name: $1
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
    volumeMounts:
    - {name: host-etc-hosts, mountPath: ${2:-/etc/hosts-original}}
YAML
}

# etchosts_managed POD CONTAINER: the container's /etc/hosts is the agent's file, not the node's.
etchosts_managed() {
  local hosts orig
  hosts="$(kubectl exec "$1" -c "$2" -- cat /etc/hosts)"
  orig="$(kubectl exec "$1" -c "$2" -- cat /etc/hosts-original)"
  expect_match "$(head -1 <<<"$hosts")" '^# Kubernetes-managed hosts file\.'
  expect_match "$hosts" "^$(pod_ip "$1")"$'\t'"$1\$"
  expect_not_contains "$(head -1 <<<"$orig")" "# Kubernetes-managed hosts file."
}

# etchosts_unmanaged POD CONTAINER [FILE]: the container's /etc/hosts is the node's own file.
etchosts_unmanaged() {
  local hosts
  hosts="$(kubectl exec "$1" -c "$2" -- cat /etc/hosts)"
  expect_not_contains "$(head -1 <<<"$hosts")" "# Kubernetes-managed hosts file."
  expect_eq "$hosts" "$(cat /etc/hosts)"
}

# [sig-node] KubeletManagedEtcHosts should test kubelet managed /etc/hosts file: containers of a
# pod network pod get the managed file unless they mount their own /etc/hosts; hostNetwork pods
# see the node's file.
t_sig_node_kubeletmanagedetchosts_should_test_kubelet_managed_etc_hosts_file() {
  {
    cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: test-pod}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: host-etc-hosts, hostPath: {path: /etc/hosts}}]
  containers:
YAML
    etchosts_container busybox-1
    etchosts_container busybox-2
    etchosts_container busybox-3 /etc/hosts
  } | kubectl apply -f - >/dev/null
  {
    cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: test-host-network-pod}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  volumes: [{name: host-etc-hosts, hostPath: {path: /etc/hosts}}]
  containers:
YAML
    etchosts_container busybox-1
    etchosts_container busybox-2
  } | kubectl apply -f - >/dev/null
  wait_running test-pod
  wait_running test-host-network-pod
  etchosts_managed test-pod busybox-1
  etchosts_managed test-pod busybox-2
  etchosts_unmanaged test-pod busybox-3
  etchosts_unmanaged test-host-network-pod busybox-1
  etchosts_unmanaged test-host-network-pod busybox-2
}

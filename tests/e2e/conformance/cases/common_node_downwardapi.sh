# Conformance: test/e2e/common/node/downwardapi.go (sig-node Downward API, env vars).

# downwardapi_env_pod NAME 'env yaml' ['resources yaml']: a pod printing its environment once.
downwardapi_env_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["env"]
    env:
$2
${3:-}
YAML
}

# downwardapi_field NAME PATH: one env item from a fieldRef.
downwardapi_field() {
  printf '    - name: %s\n      valueFrom: {fieldRef: {fieldPath: %s}}\n' "$1" "$2"
}
# downwardapi_resource NAME RESOURCE: one env item from a resourceFieldRef.
downwardapi_resource() {
  printf '    - name: %s\n      valueFrom: {resourceFieldRef: {containerName: c, resource: %s}}\n' "$1" "$2"
}

# [sig-node] Downward API should provide pod name, namespace and IP address as env vars.
t_sig_node_downward_api_should_provide_pod_name_namespace_and_ip_address_as_env_vars() {
  downwardapi_env_pod dapi "$(downwardapi_field POD_NAME metadata.name)
$(downwardapi_field POD_NAMESPACE metadata.namespace)
$(downwardapi_field POD_IP status.podIP)" | kubectl apply -f - >/dev/null
  wait_phase dapi Succeeded 60
  out="$(kubectl logs dapi)"
  expect_contains "$out" "POD_NAME=dapi"
  expect_contains "$out" "POD_NAMESPACE=$NS"
  ip="$(pod_ip dapi)"
  expect_match "$ip" '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$'
  expect_contains "$out" "POD_IP=$ip"
}

# [sig-node] Downward API should provide host IP as an env var.
t_sig_node_downward_api_should_provide_host_ip_as_an_env_var() {
  downwardapi_env_pod hostip "$(downwardapi_field HOST_IP status.hostIP)" | kubectl apply -f - >/dev/null
  wait_phase hostip Succeeded 60
  ip="$(kubectl get pod hostip -o jsonpath='{.status.hostIP}')"
  expect_match "$ip" '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$'
  expect_contains "$(kubectl logs hostip)" "HOST_IP=$ip"
}

# [sig-node] Downward API should provide pod UID as env vars.
t_sig_node_downward_api_should_provide_pod_uid_as_env_vars() {
  downwardapi_env_pod uid "$(downwardapi_field POD_UID metadata.uid)" | kubectl apply -f - >/dev/null
  wait_phase uid Succeeded 60
  uid="$(kubectl get pod uid -o jsonpath='{.metadata.uid}')"
  expect_match "$uid" '^[0-9a-f-]{36}$'
  expect_contains "$(kubectl logs uid)" "POD_UID=$uid"
}

# [sig-node] Downward API should provide container's limits.cpu/memory and requests.cpu/memory as
# env vars: cpu is rounded up to whole cores, memory in bytes.
t_sig_node_downward_api_should_provide_container_s_limits_cpu_memory_and_requests_cpu_memory_as_env_vars() {
  downwardapi_env_pod res "$(downwardapi_resource CPU_LIMIT limits.cpu)
$(downwardapi_resource MEMORY_LIMIT limits.memory)
$(downwardapi_resource CPU_REQUEST requests.cpu)
$(downwardapi_resource MEMORY_REQUEST requests.memory)" \
    '    resources: {requests: {cpu: 250m, memory: 32Mi}, limits: {cpu: 1250m, memory: 64Mi}}' |
    kubectl apply -f - >/dev/null
  wait_phase res Succeeded 60
  out="$(kubectl logs res)"
  expect_contains "$out" "CPU_LIMIT=2"
  expect_contains "$out" "MEMORY_LIMIT=67108864"
  expect_contains "$out" "CPU_REQUEST=1"
  expect_contains "$out" "MEMORY_REQUEST=33554432"
}

# [sig-node] Downward API should provide default limits.cpu/memory from node allocatable: without
# limits, limits.cpu/memory are the node's allocatable cpu (cores, rounded up) and memory (bytes).
t_sig_node_downward_api_should_provide_default_limits_cpu_memory_from_node_allocatable() {
  downwardapi_env_pod deflim "$(downwardapi_resource CPU_LIMIT limits.cpu)
$(downwardapi_resource MEMORY_LIMIT limits.memory)" | kubectl apply -f - >/dev/null
  wait_phase deflim Succeeded 60
  out="$(kubectl logs deflim)"
  cpu="$(kubectl get node "$NODE" -o jsonpath='{.status.allocatable.cpu}')"
  mem="$(kubectl get node "$NODE" -o jsonpath='{.status.allocatable.memory}')"
  cpu="$(python3 -c 'import math,sys; q=sys.argv[1]; print(math.ceil(int(q[:-1])/1000) if q.endswith("m") else int(q))' "$cpu")"
  mem="$(python3 -c 'import sys; q=sys.argv[1]; m={"Ki":1<<10,"Mi":1<<20,"Gi":1<<30}; print(int(q[:-2])*m[q[-2:]] if q[-2:] in m else int(q))' "$mem")"
  expect_match "$cpu" '^[1-9][0-9]*$'
  expect_match "$mem" '^[1-9][0-9]*$'
  expect_contains "$out" "CPU_LIMIT=$cpu"
  expect_contains "$out" "MEMORY_LIMIT=$mem"
}

# Conformance: test/e2e/common/node/lifecycle_hook.go (sig-node Container Lifecycle Hook).
# The hook target is image/usr/local/bin/hook-handler (stand-in for agnhost netexec): it logs each
# "GET /echo?msg=X" it serves, so the tests read the handler's log as upstream does.

# hook_handler_ip: starts the handler pod and prints its IP once it answers.
hook_handler_ip() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: pod-handle-http-request}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["hook-handler", "8080"]
    readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
YAML
  wait_running pod-handle-http-request >&2
  pod_ip pod-handle-http-request
}

# hook_pod NAME 'lifecycle yaml (inline flow map)': a pod whose container stops promptly on SIGTERM.
hook_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 15
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
    lifecycle: $2
YAML
}

# hook_called MSG: the handler logged a GET for MSG (eventually).
hook_called() {
  eventually 20 sh -c "kubectl logs pod-handle-http-request | grep -qxF 'GET /echo?msg=$1'"
}

# [sig-node] Container Lifecycle Hook when create a pod with lifecycle hook should execute
# poststart exec hook properly: an exec postStart hook (wget to the handler) runs after start.
t_sig_node_container_lifecycle_hook_when_create_a_pod_with_lifecycle_hook_should_execute_poststart_exec_hook_properly() {
  ip="$(hook_handler_ip)"
  hook_pod pod-with-poststart-exec-hook \
    "{postStart: {exec: {command: [sh, -c, 'wget -qO- http://$ip:8080/cgi-bin/echo?msg=poststart']}}}" |
    kubectl apply -f - >/dev/null
  wait_running pod-with-poststart-exec-hook
  hook_called poststart
  kubectl delete pod pod-with-poststart-exec-hook --wait=false >/dev/null
  wait_gone pod-with-poststart-exec-hook 30
}

# [sig-node] Container Lifecycle Hook when create a pod with lifecycle hook should execute
# poststart http hook properly: an httpGet postStart hook to the handler pod's IP is called.
t_sig_node_container_lifecycle_hook_when_create_a_pod_with_lifecycle_hook_should_execute_poststart_http_hook_properly() {
  ip="$(hook_handler_ip)"
  hook_pod pod-with-poststart-http-hook \
    "{postStart: {httpGet: {host: '$ip', port: 8080, path: '/cgi-bin/echo?msg=poststart'}}}" |
    kubectl apply -f - >/dev/null
  wait_running pod-with-poststart-http-hook
  hook_called poststart
  kubectl delete pod pod-with-poststart-http-hook --wait=false >/dev/null
  wait_gone pod-with-poststart-http-hook 30
}

# [sig-node] Container Lifecycle Hook when create a pod with lifecycle hook should execute prestop
# exec hook properly: deleting the pod runs its exec preStop hook before the container stops.
t_sig_node_container_lifecycle_hook_when_create_a_pod_with_lifecycle_hook_should_execute_prestop_exec_hook_properly() {
  ip="$(hook_handler_ip)"
  hook_pod pod-with-prestop-exec-hook \
    "{preStop: {exec: {command: [sh, -c, 'wget -qO- http://$ip:8080/cgi-bin/echo?msg=prestop']}}}" |
    kubectl apply -f - >/dev/null
  wait_running pod-with-prestop-exec-hook
  if kubectl logs pod-handle-http-request | grep -q prestop; then echo "preStop ran early"; return 1; fi
  kubectl delete pod pod-with-prestop-exec-hook --wait=false >/dev/null
  wait_gone pod-with-prestop-exec-hook 30
  hook_called prestop
}

# [sig-node] Container Lifecycle Hook when create a pod with lifecycle hook should execute prestop
# http hook properly: deleting the pod calls its httpGet preStop hook on the handler pod.
t_sig_node_container_lifecycle_hook_when_create_a_pod_with_lifecycle_hook_should_execute_prestop_http_hook_properly() {
  ip="$(hook_handler_ip)"
  hook_pod pod-with-prestop-http-hook \
    "{preStop: {httpGet: {host: '$ip', port: 8080, path: '/cgi-bin/echo?msg=prestop'}}}" |
    kubectl apply -f - >/dev/null
  wait_running pod-with-prestop-http-hook
  if kubectl logs pod-handle-http-request | grep -q prestop; then echo "preStop ran early"; return 1; fi
  kubectl delete pod pod-with-prestop-http-hook --wait=false >/dev/null
  wait_gone pod-with-prestop-http-hook 30
  hook_called prestop
}

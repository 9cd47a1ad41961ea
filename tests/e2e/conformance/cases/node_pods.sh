# Conformance: test/e2e/node/pods.go (sig-node Pods Extended).

# [sig-node] Pods Extended Pods Set QOS Class should be set on Pods with matching resource
# requests and limits for memory and cpu: such a pod is Guaranteed (others Burstable/BestEffort).
t_sig_node_pods_extended_pods_set_qos_class_should_be_set_on_pods_with_matching_resource_requests_and_limits_for_memory_and_cpu() {
  for q in guaranteed:'{requests: {cpu: 100m, memory: 100Mi}, limits: {cpu: 100m, memory: 100Mi}}' \
           burstable:'{requests: {cpu: 100m}}' besteffort:'{}'; do
    kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: qos-${q%%:*}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
    resources: ${q#*:}
YAML
  done
  expect_eq "$(kubectl get pod qos-guaranteed -o jsonpath='{.status.qosClass}')" Guaranteed
  expect_eq "$(kubectl get pod qos-burstable -o jsonpath='{.status.qosClass}')" Burstable
  expect_eq "$(kubectl get pod qos-besteffort -o jsonpath='{.status.qosClass}')" BestEffort
  # The agent's status keeps it once the pod runs.
  wait_running qos-guaranteed
  expect_eq "$(kubectl get pod qos-guaranteed -o jsonpath='{.status.qosClass}')" Guaranteed
}

# Status subresource: kubectl wait on conditions, pods/nodes printed from
# status, and Events showing up in describe.

test_status_subresource_and_wait_condition() {
  kubectl create namespace st40 >/dev/null
  kubectl create deployment av1 -n st40 --image=busybox:1.36 >/dev/null
  expect_fail kubectl wait --for=condition=Available deploy/av1 -n st40 --timeout=1s
  expect_contains "$OUT" "timed out waiting for the condition on deployments/av1"
  out="$(kubectl patch deploy av1 -n st40 --subresource=status --type=merge -p '{"status":{
    "observedGeneration":1,"replicas":1,"readyReplicas":1,"availableReplicas":1,"updatedReplicas":1,
    "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable",
    "message":"ok","lastUpdateTime":"2024-01-01T00:00:00Z","lastTransitionTime":"2024-01-01T00:00:00Z"}]}}')"
  expect_contains "$out" "deployment.apps/av1 patched"
  out="$(kubectl get deploy av1 -n st40)"
  expect_match "$out" "^av1 +1/1 +1 +1 +[0-9]+s"
  out="$(kubectl wait --for=condition=Available deploy/av1 -n st40 --timeout=10s)"
  expect_contains "$out" "deployment.apps/av1 condition met"
  out="$(kubectl wait --for=condition=Available=True deploy -n st40 --all --timeout=10s)"
  expect_contains "$out" "deployment.apps/av1 condition met"
}

test_status_patch_through_main_endpoint_is_ignored() {
  kubectl create deployment av2 --image=busybox:1.36 >/dev/null
  kubectl patch deploy av2 --subresource=status --type=merge -p '{"status":{"readyReplicas":1}}' >/dev/null
  out="$(kubectl patch deploy av2 --type=merge -p '{"status":{"readyReplicas":0,"replicas":9}}')"
  expect_contains "$out" "deployment.apps/av2 patched (no change)"
  expect_eq "$(kubectl get deploy av2 -o jsonpath='{.status.readyReplicas}/{.status.replicas}')" "1/"
  # and a spec change sent to /status is dropped, generation untouched
  out="$(kubectl patch deploy av2 --subresource=status --type=merge -p '{"spec":{"replicas":5}}')"
  expect_contains "$out" "deployment.apps/av2 patched (no change)"
  expect_eq "$(kubectl get deploy av2 -o jsonpath='{.spec.replicas} {.metadata.generation}')" "1 1"
}

setup_running_pod() {  # setup_running_pod name ns
  cat <<Y | kubectl create -n "$2" -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: $1, labels: {app: $1}}
spec:
  nodeName: node-e2e
  containers: [{name: main, image: "busybox:1.36"}]
Y
  kubectl patch pod "$1" -n "$2" --subresource=status --type=merge -p '{"status":{
    "phase":"Running","podIP":"10.42.0.7","podIPs":[{"ip":"10.42.0.7"}],"hostIP":"192.168.9.9",
    "startTime":"2024-01-01T00:00:00Z","conditions":[{"type":"Ready","status":"True"}],
    "containerStatuses":[{"name":"main","image":"busybox:1.36","imageID":"","ready":true,
    "restartCount":3,"started":true,"state":{"running":{"startedAt":"2024-01-01T00:00:00Z"}}}]}}' >/dev/null
}

test_pod_wide_columns_from_status() {
  kubectl create namespace pw40 >/dev/null
  cat <<Y | kubectl create -n pw40 -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: pend}
spec: {containers: [{name: main, image: "busybox:1.36"}]}
Y
  setup_running_pod web pw40
  out="$(kubectl get pods -n pw40 -o wide)"
  expect_match "$out" "^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES"
  expect_match "$out" "^web +1/1 +Running +3 +[0-9]+[sm] +10\.42\.0\.7 +node-e2e +<none> +<none>"
  expect_match "$out" "^pend +0/1 +Pending +0 +[0-9]+[sm] +<none> +<none> +<none> +<none>"
  out="$(kubectl get pods -n pw40 --field-selector=status.phase=Running -o name)"
  expect_eq "$out" "pod/web"
  out="$(kubectl get pods -n pw40 --field-selector=spec.nodeName=node-e2e -o name)"
  expect_eq "$out" "pod/web"
}

test_event_shows_in_get_events_and_describe() {
  kubectl create namespace ev40 >/dev/null
  setup_running_pod evp ev40
  uid="$(kubectl get pod evp -n ev40 -o jsonpath='{.metadata.uid}')"
  cat >ev.yaml <<Y
apiVersion: v1
kind: Event
metadata: {name: evp.1}
involvedObject: {apiVersion: v1, kind: Pod, name: evp, namespace: ev40, uid: "$uid"}
reason: Pulled
message: Successfully pulled image busybox:1.36
type: Normal
source: {component: kubelet, host: node-e2e}
firstTimestamp: "2024-01-01T00:00:00Z"
lastTimestamp: "2024-01-01T00:00:00Z"
count: 1
---
apiVersion: v1
kind: Event
metadata: {name: evp.2}
involvedObject: {apiVersion: v1, kind: Pod, name: evp, namespace: ev40, uid: "$uid"}
reason: BackOff
message: Back-off restarting failed container
type: Warning
source: {component: kubelet}
firstTimestamp: "2024-01-01T00:00:00Z"
lastTimestamp: "2024-01-01T00:00:00Z"
count: 4
Y
  out="$(kubectl create -n ev40 -f ev.yaml)"
  expect_contains "$out" "event/evp.1 created"
  out="$(kubectl get events -n ev40)"
  expect_match "$out" "^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE"
  expect_match "$out" "Normal +Pulled +pod/evp +Successfully pulled image busybox:1.36"
  expect_match "$out" "Warning +BackOff +pod/evp +Back-off restarting failed container"
  out="$(kubectl get events -n ev40 --field-selector type=Warning)"
  expect_contains "$out" "BackOff"
  expect_not_contains "$out" "Pulled"
  out="$(kubectl get events -n ev40 --field-selector involvedObject.name=evp,reason=Pulled -o name)"
  expect_eq "$out" "event/evp.1"
  out="$(kubectl describe pod evp -n ev40)"
  expect_match "$out" "^Status: +Running"
  expect_match "$out" "^IP: +10\.42\.0\.7"
  expect_match "$out" "^Node: +node-e2e/192\.168\.9\.9"
  expect_match "$out" "Restart Count: +3"
  expect_match "$out" "^Events:"
  expect_match "$out" "Normal +Pulled +[0-9a-z]+ +kubelet +Successfully pulled image busybox:1.36"
  expect_match "$out" "Warning +BackOff +[0-9a-z]+ \(x4 over [0-9a-z]+\) +kubelet +Back-off restarting failed container"
}

test_node_created_and_status_patched() {
  cat <<'Y' | kubectl create -f - >/dev/null
apiVersion: v1
kind: Node
metadata:
  name: node-e2e-1
  labels: {kubernetes.io/hostname: node-e2e-1, node-role.kubernetes.io/control-plane: ""}
spec: {podCIDR: 10.244.1.0/24}
Y
  out="$(kubectl get node node-e2e-1)"
  expect_match "$out" "^NAME +STATUS +ROLES +AGE +VERSION"
  expect_match "$out" "^node-e2e-1 +Unknown +control-plane +[0-9]+s +$"
  kubectl patch node node-e2e-1 --subresource=status --type=merge -p '{"status":{
    "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"kubelet is posting ready status",
      "lastHeartbeatTime":"2024-01-01T00:00:00Z","lastTransitionTime":"2024-01-01T00:00:00Z"}],
    "addresses":[{"type":"InternalIP","address":"192.168.7.1"},{"type":"Hostname","address":"node-e2e-1"}],
    "nodeInfo":{"kubeletVersion":"v1.32.0","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.1.0-18-amd64",
      "containerRuntimeVersion":"containerd://1.7.0","operatingSystem":"linux","architecture":"amd64",
      "machineID":"m","systemUUID":"s","bootID":"b","kubeProxyVersion":""},
    "capacity":{"cpu":"2","memory":"4Gi","pods":"110"},"allocatable":{"cpu":"2","memory":"4Gi","pods":"110"}}}' >/dev/null
  out="$(kubectl get nodes -o wide)"
  expect_match "$out" "^NAME +STATUS +ROLES +AGE +VERSION +INTERNAL-IP +EXTERNAL-IP +OS-IMAGE +KERNEL-VERSION +CONTAINER-RUNTIME"
  expect_match "$out" "^node-e2e-1 +Ready +control-plane +[0-9]+[sm] +v1\.32\.0 +192\.168\.7\.1 +<none> +Debian GNU/Linux 12 \(bookworm\) +6\.1\.0-18-amd64 +containerd://1\.7\.0"
  kubectl cordon node-e2e-1 >/dev/null
  out="$(kubectl get node node-e2e-1)"
  expect_match "$out" "^node-e2e-1 +Ready,SchedulingDisabled +control-plane"
  out="$(kubectl describe node node-e2e-1)"
  expect_match "$out" "^Unschedulable: +true"
  expect_match "$out" "Ready +True .*KubeletReady"
  expect_match "$out" "InternalIP: +192\.168\.7\.1"
}

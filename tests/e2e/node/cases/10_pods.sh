# Pods run from the imported image, with networking, env, volumes and logs.

test_pod_runs_with_ip_in_the_pod_cidr_and_logs() {
  pod_yaml hello 'echo hello from $(hostname); echo to-stderr >&2; sleep 3600' | kubectl apply -f -
  wait_jsonpath hello '{.status.conditions[?(@.type=="Ready")].status}' True
  ip="$(kubectl get pod hello -o jsonpath='{.status.podIP}')"
  prefix="${NODE_POD_CIDR%.0/24}."
  expect_contains "$ip" "$prefix"
  out="$(kubectl get pod hello -o wide)"
  expect_match "$out" "hello +1/1 +Running +0 .* $ip +node-$NODE_ID"
  for _ in $(seq 1 30); do kubectl logs hello | grep -q to-stderr && break; sleep 0.1; done
  out="$(kubectl logs hello)"
  expect_contains "$out" "hello from hello"
  expect_contains "$out" "to-stderr"
  out="$(kubectl logs hello --timestamps --tail 1)"
  expect_match "$out" '^20[0-9-]+T[0-9:.]+Z '
  # The pod's IP answers from the host (the pod CIDR is routed to the bridge).
  ping -c1 -W2 "$ip" >/dev/null 2>&1 || /bin/busybox ping -c1 -W2 "$ip"
  ip route get "$ip" | grep -q "dev $NODE_BRIDGE"
  wait_event involvedObject.name=hello "Started"
  kubectl delete pod hello --wait=true --timeout=30s
}

test_env_configmaps_secrets_and_downward_api() {
  kubectl create configmap app-cfg --from-literal=greeting=hi --from-literal=file.txt=filecontent
  kubectl create secret generic app-sec --from-literal=password=s3cret
  cat <<YAML | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: envpod, labels: {tier: backend}}
spec:
  nodeName: node-$NODE_ID
  restartPolicy: Never
  containers:
  - name: c
    image: $NODE_IMAGE
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo G=\$GREETING P=\$PASSWORD N=\$MY_NAME X=\$(EXPANDED); cat /cfg/file.txt; echo; cat /sec/password; echo; cat /info/labels; echo; ls /scratch && touch /scratch/ok && echo emptydir-ok; cat /etc/resolv.conf; cat /etc/hosts"]
    env:
    - {name: GREETING, valueFrom: {configMapKeyRef: {name: app-cfg, key: greeting}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: app-sec, key: password}}}
    - {name: MY_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: EXPANDED, value: "\$(GREETING)-there"}
    volumeMounts:
    - {name: cfg, mountPath: /cfg}
    - {name: sec, mountPath: /sec}
    - {name: info, mountPath: /info}
    - {name: scratch, mountPath: /scratch}
  volumes:
  - {name: cfg, configMap: {name: app-cfg}}
  - {name: sec, secret: {secretName: app-sec}}
  - {name: info, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
  - {name: scratch, emptyDir: {}}
YAML
  wait_phase envpod Succeeded
  out="$(kubectl logs envpod)"
  expect_contains "$out" "G=hi P=s3cret N=envpod"
  expect_contains "$out" "filecontent"
  expect_contains "$out" "tier=\"backend\""
  expect_contains "$out" "emptydir-ok"
  expect_contains "$out" "search default.svc.cluster.local svc.cluster.local cluster.local"
  expect_contains "$out" "options ndots:5"
  expect_contains "$out" "envpod"
  out="$(kubectl get pod envpod)"
  expect_match "$out" "envpod +0/1 +Completed +0"
  kubectl delete pod envpod --wait=true
}

test_missing_configmap_is_a_clear_waiting_reason() {
  pod_yaml needs-cfg 'sleep 3600' '    env: [{name: X, valueFrom: {configMapKeyRef: {name: nope, key: k}}}]' | kubectl apply -f -
  wait_jsonpath needs-cfg '{.status.containerStatuses[0].state.waiting.reason}' CreateContainerConfigError
  msg="$(kubectl get pod needs-cfg -o jsonpath='{.status.containerStatuses[0].state.waiting.message}')"
  expect_eq "$msg" 'configmap "nope" not found'
  kubectl create configmap nope --from-literal=k=v
  wait_phase needs-cfg Running 30
  kubectl delete pod needs-cfg --wait=true
}

test_crash_loop_back_off_and_previous_logs() {
  pod_yaml crasher 'echo attempt-output; exit 3' | kubectl apply -f -
  wait_jsonpath crasher '{.status.containerStatuses[0].state.waiting.reason}' CrashLoopBackOff 40
  out="$(kubectl get pod crasher)"
  expect_match "$out" "crasher +0/1 +CrashLoopBackOff +[1-9]"
  code="$(kubectl get pod crasher -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}')"
  expect_eq "$code" 3
  out="$(kubectl logs crasher --previous)"
  expect_contains "$out" "attempt-output"
  wait_event involvedObject.name=crasher "BackOff"
  kubectl delete pod crasher --wait=true
}

test_missing_image_reports_err_image_pull() {
  cat <<YAML | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: noimage}
spec:
  nodeName: node-$NODE_ID
  containers: [{name: c, image: "127.0.0.1:1/does/not:exist"}]
YAML
  for _ in $(seq 1 100); do
    r="$(kubectl get pod noimage -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}')"
    [ "$r" = ErrImagePull ] || [ "$r" = ImagePullBackOff ] && break
    sleep 0.1
  done
  expect_match "$r" 'ErrImagePull|ImagePullBackOff'
  kubectl delete pod noimage --wait=true
}

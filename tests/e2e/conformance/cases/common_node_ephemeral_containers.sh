# Conformance: test/e2e/common/node/ephemeral_containers.go (sig-node Ephemeral Containers).

# ephemeral_running POD NAME: waits until the pod's ephemeral container NAME runs.
ephemeral_running() {
  local jp="{.status.ephemeralContainerStatuses[?(@.name==\"$2\")].state.running.startedAt}"
  local deadline=$((SECONDS + 60))
  until [ -n "$(kubectl get pod "$1" -o jsonpath="$jp")" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "ephemeral container $2 never ran"; kubectl get pod "$1" -o yaml; return 1; }
    sleep 0.2
  done
}

# [sig-node] Ephemeral Containers will start an ephemeral container in an existing pod: an
# ephemeral container added with `kubectl debug` (pods/ephemeralcontainers) runs and can be
# exec'd into.
t_sig_node_ephemeral_containers_will_start_an_ephemeral_container_in_an_existing_pod() {
  conf_pod ephemeral-containers-target-pod 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_running ephemeral-containers-target-pod
  kubectl debug ephemeral-containers-target-pod --image="$IMG" --image-pull-policy=IfNotPresent \
    --container=debugger -- sh -c 'echo marco; sleep 3600' >/dev/null
  ephemeral_running ephemeral-containers-target-pod debugger
  expect_eq "$(kubectl exec ephemeral-containers-target-pod -c debugger -- echo polo)" polo
  eventually 10 sh -c 'kubectl logs ephemeral-containers-target-pod -c debugger | grep -qx marco'
  # The pod's own container was left alone.
  expect_eq "$(kubectl get pod ephemeral-containers-target-pod -o jsonpath='{.status.containerStatuses[0].restartCount}')" 0
}

# [sig-node] Ephemeral Containers should update the ephemeral containers in an existing pod: the
# pods/ephemeralcontainers subresource is read, then replaced with one more container; both run.
t_sig_node_ephemeral_containers_should_update_the_ephemeral_containers_in_an_existing_pod() {
  conf_pod ephemeral-update 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_running ephemeral-update
  local path="/api/v1/namespaces/$NS/pods/ephemeral-update/ephemeralcontainers"
  local ec1="{\"name\":\"debugger\",\"image\":\"$IMG\",\"imagePullPolicy\":\"IfNotPresent\",\"command\":[\"sleep\",\"3600\"]}"
  out="$(api PATCH "$path" -H 'Content-Type: application/strategic-merge-patch+json' \
    -d "{\"spec\":{\"ephemeralContainers\":[$ec1]}}")"
  expect_eq "$(jq -r '[.spec.ephemeralContainers[].name] | join(",")' <<<"$out")" debugger
  ephemeral_running ephemeral-update debugger
  # Unconditional replaces (no resourceVersion): the agent updates the pod's status meanwhile.
  api GET "$path" | jq 'del(.metadata.resourceVersion)' >pod.json
  expect_eq "$(jq -r '.kind + ":" + ([.spec.ephemeralContainers[].name] | join(","))' pod.json)" Pod:debugger
  jq --arg img "$IMG" '.spec.ephemeralContainers += [{"name":"debugger2","image":$img,
     "imagePullPolicy":"IfNotPresent","command":["sleep","3600"]}]' pod.json >pod2.json
  out="$(api PUT "$path" -H 'Content-Type: application/json' -d @pod2.json)"
  expect_eq "$(jq -r '[.spec.ephemeralContainers[].name] | join(",")' <<<"$out")" debugger,debugger2
  ephemeral_running ephemeral-update debugger2
  expect_eq "$(kubectl get pod ephemeral-update -o jsonpath='{.spec.ephemeralContainers[*].name}')" "debugger debugger2"
  # Existing ephemeral containers cannot be removed, and the main endpoint cannot add any.
  out="$(api PUT "$path" -H 'Content-Type: application/json' -d @pod.json)"
  expect_contains "$out" '"code":422'
  expect_fail kubectl run ephemeral-create --image="$IMG" --restart=Never \
    --overrides='{"spec":{"ephemeralContainers":[{"name":"x","image":"busybox"}]}}' -- sleep 1
}

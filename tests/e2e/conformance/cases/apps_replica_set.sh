# Conformance: test/e2e/apps/replica_set.go (sig-apps ReplicaSet). Uses the apps_* helpers of
# apps_deployment.sh.

# [sig-apps] ReplicaSet Replace and Patch tests: a ReplicaSet is scaled by replace (PUT) and then
# patched (labels, replicas, template); its pods follow.
t_sig_apps_replicaset_replace_and_patch_tests() {
  apps_workload ReplicaSet test-rs 1 "name: test-rs" | kubectl apply -f - >/dev/null
  wait_ready_count name=test-rs 1
  kubectl get rs test-rs -o json | jq '.spec.replicas = 2' | kubectl replace -f - >/dev/null
  wait_ready_count name=test-rs 2
  expect_eq "$(kubectl get rs test-rs -o jsonpath='{.status.readyReplicas}')" 2 ||
    apps_wait rs/test-rs '{.status.readyReplicas}' 2
  kubectl patch rs test-rs --type=merge -p \
    '{"metadata":{"labels":{"test-rs":"patched"}},"spec":{"replicas":3,"template":{"spec":{"terminationGracePeriodSeconds":1}}}}' >/dev/null
  expect_eq "$(kubectl get rs -l test-rs=patched -o jsonpath='{.items[*].metadata.name}')" test-rs
  wait_ready_count name=test-rs 3
  apps_wait rs/test-rs '{.status.readyReplicas}' 3
}

# [sig-apps] ReplicaSet Replicaset should have a working scale subresource: get, update and patch
# replicasets/scale.
t_sig_apps_replicaset_replicaset_should_have_a_working_scale_subresource() {
  apps_workload ReplicaSet test-rs 1 "name: sample-pod" | kubectl apply -f - >/dev/null
  wait_ready_count name=sample-pod 1
  expect_eq "$(kubectl get rs test-rs --subresource=scale -o jsonpath='{.spec.replicas}')" 1
  expect_eq "$(kubectl get rs test-rs --subresource=scale -o jsonpath='{.status.selector}')" name=sample-pod
  kubectl get rs test-rs --subresource=scale -o json | jq -c '.spec.replicas = 2' |
    apps_put "/apis/apps/v1/namespaces/$NS/replicasets/test-rs/scale" >/dev/null
  expect_eq "$(kubectl get rs test-rs -o jsonpath='{.spec.replicas}')" 2
  wait_ready_count name=sample-pod 2
  kubectl patch rs test-rs --subresource=scale --type=merge -p '{"spec":{"replicas":4}}' >/dev/null
  expect_eq "$(kubectl get rs test-rs -o jsonpath='{.spec.replicas}')" 4
  wait_ready_count name=sample-pod 4
}

# [sig-apps] ReplicaSet should adopt matching pods on creation and release no longer matching
# pods: an orphan pod that matches is adopted (no extra pod); a relabelled pod is released.
t_sig_apps_replicaset_should_adopt_matching_pods_on_creation_and_release_no_longer_matching_pods() {
  conf_pod pod-adoption-release 'sleep 3600' 'name: pod-adoption-release' | kubectl apply -f - >/dev/null
  wait_running pod-adoption-release
  apps_workload ReplicaSet pod-adoption-release 1 "name: pod-adoption-release" | kubectl apply -f - >/dev/null
  local uid; uid="$(kubectl get rs pod-adoption-release -o jsonpath='{.metadata.uid}')"
  wait_jsonpath pod-adoption-release '{.metadata.ownerReferences[?(@.controller==true)].uid}' "$uid"
  apps_wait rs/pod-adoption-release '{.status.readyReplicas}' 1
  expect_eq "$(kubectl get pods -l name=pod-adoption-release --no-headers | wc -l)" 1
  kubectl label pod pod-adoption-release name=not-matching-name --overwrite >/dev/null
  wait_jsonpath pod-adoption-release '{.metadata.ownerReferences}' ""
  wait_ready_count name=pod-adoption-release 1
  expect_eq "$(kubectl get pod pod-adoption-release -o jsonpath='{.status.phase}')" Running
}

# [sig-apps] ReplicaSet should list and delete a collection of ReplicaSets: list by label
# selector, then DELETE on the collection with that selector.
t_sig_apps_replicaset_should_list_and_delete_a_collection_of_replicasets() {
  apps_workload ReplicaSet test-rs 1 "e2e: rs-collection" | kubectl apply -f - >/dev/null
  wait_ready_count e2e=rs-collection 1
  expect_eq "$(kubectl get rs -A -l e2e=rs-collection -o jsonpath='{.items[*].metadata.name}')" test-rs
  local out; out="$(api DELETE "/apis/apps/v1/namespaces/$NS/replicasets?labelSelector=e2e%3Drs-collection")"
  expect_eq "$(jq -r .kind <<<"$out")" ReplicaSetList
  local deadline=$(( SECONDS + 30 ))
  while [ -n "$(kubectl get rs -l e2e=rs-collection -o name)" ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "ReplicaSets not deleted"; kubectl get rs; return 1; }
    sleep 0.2
  done
}

# [sig-apps] ReplicaSet should serve a basic image on each replica with a public image: every
# replica answers HTTP with its own name (netexec /hostname stands in for serve-hostname).
t_sig_apps_replicaset_should_serve_a_basic_image_on_each_replica_with_a_public_image() {
  apps_workload ReplicaSet my-hostname-basic 2 "name: my-hostname-basic" 'exec netexec 8080' '' '' \
    '        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /hostname, port: 8080}, periodSeconds: 1}' |
    kubectl apply -f - >/dev/null
  wait_ready_count name=my-hostname-basic 2
  local p
  for p in $(kubectl get pods -l name=my-hostname-basic -o jsonpath='{.items[*].metadata.name}'); do
    eventually 20 sh -c "curl -s --max-time 5 http://$(pod_ip "$p"):8080/hostname | grep -qx '$p'"
  done
}

# [sig-apps] ReplicaSet should validate Replicaset Status endpoints: read, update and patch
# replicasets/status.
t_sig_apps_replicaset_should_validate_replicaset_status_endpoints() {
  apps_workload ReplicaSet status-rs 1 "app: status-rs" | kubectl apply -f - >/dev/null
  wait_ready_count app=status-rs 1
  apps_status_roundtrip rs/status-rs
}

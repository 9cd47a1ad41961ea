# Conformance: test/e2e/apps/rc.go (sig-apps ReplicationController).

# rc_yaml NAME REPLICAS 'COMMAND' [LABEL-VALUE]: an RC selecting name=<LABEL-VALUE or NAME>.
rc_yaml() {
  cat <<YAML
apiVersion: v1
kind: ReplicationController
metadata: {name: $1, labels: {rc-test: "$1"}}
spec:
  replicas: $2
  selector: {name: ${4:-$1}}
  template:
    metadata: {labels: {name: ${4:-$1}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: c, image: $IMG, imagePullPolicy: IfNotPresent, command: [sh, -c, "$3"], ports: [{containerPort: 8080}],
         readinessProbe: {exec: {command: ["true"]}, periodSeconds: 1}}
YAML
}
# rc_wait_ready NAME N [SECONDS]: status.readyReplicas reaches N.
rc_wait_ready() {
  wait_for "${3:-90}" bash -c "[ \"\$(kubectl get rc $1 -o jsonpath='{.status.readyReplicas}')\" = $2 ]"
}

# [sig-apps] ReplicationController should serve a basic image on each replica with a public image:
# two replicas of the HTTP server (netexec stands in for agnhost serve-hostname) each answer
# with their own pod name.
t_sig_apps_replicationcontroller_should_serve_a_basic_image_on_each_replica_with_a_public_image() {
  rc_yaml rc-serve 2 'netexec 8080' | kubectl apply -f - >/dev/null
  rc_wait_ready rc-serve 2
  local p ip
  for p in $(kubectl get pods -l name=rc-serve -o jsonpath='{.items[*].metadata.name}'); do
    ip="$(pod_ip "$p")"
    eventually 30 bash -c "curl -s --max-time 3 http://$ip:8080/hostname | grep -qx $p"
  done
  expect_eq "$(kubectl get pods -l name=rc-serve -o name | wc -l)" 2
}

# [sig-apps] ReplicationController should adopt matching pods on creation: an orphan pod matching
# a new RC's selector gets the RC as its controller, and no second pod is made.
t_sig_apps_replicationcontroller_should_adopt_matching_pods_on_creation() {
  conf_pod pod-adoption 'sleep 3600' 'name: pod-adoption' | kubectl apply -f - >/dev/null
  wait_running pod-adoption
  rc_yaml pod-adoption 1 'sleep 3600' | kubectl apply -f - >/dev/null
  local uid; uid="$(kubectl get rc pod-adoption -o jsonpath='{.metadata.uid}')"
  wait_for 30 bash -c "kubectl get pod pod-adoption -o jsonpath='{.metadata.ownerReferences[?(@.controller==true)].uid}' | grep -qx $uid"
  expect_eq "$(kubectl get pod pod-adoption -o jsonpath='{.metadata.ownerReferences[0].kind}')" ReplicationController
  sleep 1
  expect_eq "$(kubectl get pods -l name=pod-adoption -o name)" "pod/pod-adoption"
}

# [sig-apps] ReplicationController should release no longer matching pods: a pod relabelled out
# of the selector loses the RC's owner reference and the RC makes a replacement.
t_sig_apps_replicationcontroller_should_release_no_longer_matching_pods() {
  rc_yaml pod-release 1 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_for 60 bash -c "[ \"\$(kubectl get pods -l name=pod-release -o name | wc -l)\" -eq 1 ]"
  local p; p="$(kubectl get pods -l name=pod-release -o jsonpath='{.items[0].metadata.name}')"
  kubectl label pod "$p" --overwrite name=not-matching-name >/dev/null
  wait_for 30 bash -c "[ -z \"\$(kubectl get pod $p -o jsonpath='{.metadata.ownerReferences[*].uid}')\" ]"
  wait_for 30 bash -c "[ \"\$(kubectl get pods -l name=pod-release -o name | wc -l)\" -eq 1 ]"
  expect_fail bash -c "kubectl get pods -l name=pod-release -o name | grep -q $p"
}

# [sig-apps] ReplicationController should get and update a ReplicationController scale: the scale
# subresource reads spec/status replicas and the selector; writing it changes spec.replicas.
t_sig_apps_replicationcontroller_should_get_and_update_a_replicationcontroller_scale() {
  rc_yaml rc-scale 1 'sleep 3600' | kubectl apply -f - >/dev/null
  rc_wait_ready rc-scale 1
  local sc
  sc="$(kubectl get --raw "/api/v1/namespaces/$NS/replicationcontrollers/rc-scale/scale")"
  expect_eq "$(jq -r .kind <<<"$sc")" Scale
  expect_eq "$(jq -r .spec.replicas <<<"$sc")" 1
  expect_eq "$(jq -r .status.replicas <<<"$sc")" 1
  expect_eq "$(jq -r .status.selector <<<"$sc")" name=rc-scale
  jq '.spec.replicas=2' <<<"$sc" |
    kubectl replace --raw "/api/v1/namespaces/$NS/replicationcontrollers/rc-scale/scale" -f - >/dev/null
  expect_eq "$(kubectl get rc rc-scale -o jsonpath='{.spec.replicas}')" 2
  rc_wait_ready rc-scale 2
  kubectl scale rc rc-scale --replicas=1 >/dev/null
  expect_eq "$(kubectl get --raw "/api/v1/namespaces/$NS/replicationcontrollers/rc-scale/scale" | jq -r .spec.replicas)" 1
}

# [sig-apps] ReplicationController should surface a failure condition on a common issue like
# exceeded quota: with a pods=2 quota an RC of 3 gets ReplicaFailure=True, which goes once it
# is scaled to 2.
t_sig_apps_replicationcontroller_should_surface_a_failure_condition_on_a_common_issue_like_exceeded_quota() {
  kubectl create quota condition-test --hard=pods=2 >/dev/null
  wait_for 30 bash -c "[ -n \"\$(kubectl get quota condition-test -o jsonpath='{.status.hard.pods}')\" ]"
  rc_yaml condition-test 3 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_for 60 bash -c "kubectl get rc condition-test -o jsonpath='{.status.conditions[?(@.type==\"ReplicaFailure\")].status}' | grep -qx True"
  expect_eq "$(kubectl get rc condition-test -o jsonpath='{.status.conditions[?(@.type=="ReplicaFailure")].reason}')" FailedCreate
  kubectl scale rc condition-test --replicas=2 >/dev/null
  wait_for 60 bash -c "[ -z \"\$(kubectl get rc condition-test -o jsonpath='{.status.conditions[?(@.type==\"ReplicaFailure\")]}')\" ]"
}

# [sig-apps] ReplicationController should test the lifecycle of a ReplicationController: create,
# become ready, patch labels, scale, patch and read status, find by label in all namespaces,
# deletecollection by label.
t_sig_apps_replicationcontroller_should_test_the_lifecycle_of_a_replicationcontroller() {
  rc_yaml rc-life 1 'sleep 3600' | kubectl apply -f - >/dev/null
  rc_wait_ready rc-life 1
  expect_eq "$(kubectl get rc rc-life -o jsonpath='{.status.availableReplicas}')" 1
  kubectl patch rc rc-life -p '{"metadata":{"labels":{"rc":"patched"}}}' >/dev/null
  expect_eq "$(kubectl get rc rc-life -o jsonpath='{.metadata.labels.rc}')" patched
  local out
  out="$(kubectl patch rc rc-life --subresource=status --type=merge -p '{"status":{"readyReplicas":0,"availableReplicas":0}}' -o json)"
  expect_eq "$(jq -r '.status.readyReplicas // 0' <<<"$out")" 0
  expect_eq "$(kubectl get --raw "/api/v1/namespaces/$NS/replicationcontrollers/rc-life/status" | jq -r .kind)" ReplicationController
  kubectl patch rc rc-life -p '{"spec":{"replicas":2}}' >/dev/null
  rc_wait_ready rc-life 2
  expect_eq "$(kubectl get rc -A -l rc=patched -o jsonpath='{.items[*].metadata.name}')" rc-life
  expect_match "$(kubectl get rc rc-life)" 'rc-life +2 +2 +2'
  kubectl delete --raw "/api/v1/namespaces/$NS/replicationcontrollers?labelSelector=rc%3Dpatched" >/dev/null
  wait_for 30 bash -c "! kubectl get rc rc-life"
  # The default propagation for v1 ReplicationControllers is Orphan (as in kube): the pods stay,
  # released from the deleted controller.
  wait_for 30 bash -c "[ -z \"\$(kubectl get pods -l name=rc-life -o jsonpath='{.items[*].metadata.ownerReferences}')\" ]"
  expect_eq "$(kubectl get pods -l name=rc-life -o name | wc -l)" 2
}

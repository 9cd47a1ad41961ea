# Conformance: test/e2e/apimachinery/garbage_collector.go (sig-api-machinery Garbage collector).

# gc_rc NAME REPLICAS [GRACE]: a ReplicationController of sleeping pods labelled app=NAME.
gc_rc() {
  cat <<YAML
apiVersion: v1
kind: ReplicationController
metadata: {name: $1}
spec:
  replicas: $2
  selector: {app: $1}
  template:
    metadata: {labels: {app: $1}}
    spec:
      terminationGracePeriodSeconds: ${3:-1}
      containers: [{name: c, image: $IMG, imagePullPolicy: IfNotPresent, command: [sh, -c, "sleep 3600"]}]
YAML
}
# gc_deploy NAME REPLICAS: a Deployment of sleeping pods labelled app=NAME.
gc_deploy() {
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1}
spec:
  replicas: $2
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: $IMG, imagePullPolicy: IfNotPresent, command: [sh, -c, "sleep 3600"]}]
YAML
}
# gc_count KIND SELECTOR: how many objects (not being deleted) match.
gc_count() {
  kubectl get "$1" -l "$2" -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null)] | length'
}
gc_all() { kubectl get "$1" -l "$2" -o name | wc -l; }
# gc_wait_count KIND SELECTOR N [SECONDS]: until exactly N objects match (being deleted counts too).
gc_wait_count() { wait_for "${4:-60}" bash -c "[ \"\$(kubectl get $1 -l $2 -o name | wc -l)\" -eq $3 ]"; }

# [sig-api-machinery] Garbage collector should delete RS created by deployment when not orphaning:
# a background delete of the Deployment removes its ReplicaSet and their pods.
t_sig_api_machinery_garbage_collector_should_delete_rs_created_by_deployment_when_not_orphaning() {
  gc_deploy gcd 2 | kubectl apply -f - >/dev/null
  gc_wait_count rs app=gcd 1
  gc_wait_count pods app=gcd 2
  kubectl delete deployment gcd --cascade=background --wait=false >/dev/null
  gc_wait_count rs app=gcd 0
  gc_wait_count pods app=gcd 0
}

# [sig-api-machinery] Garbage collector should orphan RS created by deployment when
# deleteOptions.PropagationPolicy is Orphan: the ReplicaSet loses its owner reference and stays,
# with its pods.
t_sig_api_machinery_garbage_collector_should_orphan_rs_created_by_deployment_when_deleteoptions_propagationpolicy_is_orphan() {
  gc_deploy gco 2 | kubectl apply -f - >/dev/null
  gc_wait_count rs app=gco 1
  gc_wait_count pods app=gco 2
  kubectl delete deployment gco --cascade=orphan >/dev/null
  expect_fail kubectl get deployment gco
  expect_eq "$(kubectl get rs -l app=gco -o jsonpath='{.items[0].metadata.ownerReferences[*].uid}')" ""
  sleep 2   # give a wrong cascade a moment to show
  expect_eq "$(gc_count rs app=gco)" 1
  expect_eq "$(gc_count pods app=gco)" 2
}

# [sig-api-machinery] Garbage collector should delete pods created by rc when not orphaning: a
# background delete of the ReplicationController removes its pods.
t_sig_api_machinery_garbage_collector_should_delete_pods_created_by_rc_when_not_orphaning() {
  gc_rc gcrc 2 | kubectl apply -f - >/dev/null
  gc_wait_count pods app=gcrc 2
  kubectl delete rc gcrc --cascade=background --wait=false >/dev/null
  gc_wait_count pods app=gcrc 0
  expect_fail kubectl get rc gcrc
}

# [sig-api-machinery] Garbage collector should orphan pods created by rc if delete options say so:
# the pods stay, without owner references.
t_sig_api_machinery_garbage_collector_should_orphan_pods_created_by_rc_if_delete_options_say_so() {
  gc_rc gcorph 4 | kubectl apply -f - >/dev/null
  gc_wait_count pods app=gcorph 4
  kubectl delete rc gcorph --cascade=orphan >/dev/null
  expect_fail kubectl get rc gcorph
  wait_for 30 bash -c "[ -z \"\$(kubectl get pods -l app=gcorph -o jsonpath='{.items[*].metadata.ownerReferences[*].uid}')\" ]"
  sleep 2
  expect_eq "$(gc_count pods app=gcorph)" 4
}

# [sig-api-machinery] Garbage collector should keep the rc around until all its pods are deleted
# if the deleteOptions says so: with Foreground the RC stays (deletionTimestamp, finalizer
# foregroundDeletion) while its pods terminate, and is gone only after them.
t_sig_api_machinery_garbage_collector_should_keep_the_rc_around_until_all_its_pods_are_deleted_if_the_deleteoptions_says_so() {
  gc_rc gcfg 4 5 | kubectl apply -f - >/dev/null
  gc_wait_count pods app=gcfg 4
  kubectl wait --for=condition=Ready pods -l app=gcfg --timeout=60s >/dev/null
  kubectl delete rc gcfg --cascade=foreground --wait=false >/dev/null
  local rc
  rc="$(kubectl get rc gcfg -o json)"
  expect_match "$(jq -r .metadata.deletionTimestamp <<<"$rc")" '^20'
  expect_contains "$(jq -r '.metadata.finalizers[]' <<<"$rc")" foregroundDeletion
  # while any pod is left the RC is there
  local deadline=$(( SECONDS + 60 ))
  while kubectl get rc gcfg >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "rc never went away"; return 1; }
    sleep 0.2
  done
  expect_eq "$(gc_all pods app=gcfg)" 0
}

# [sig-api-machinery] Garbage collector should not delete dependents that have both valid owner
# and owner that's waiting for dependents to be deleted: half the pods of RC1 also name RC2 as
# owner; deleting RC1 in the foreground removes only the other half.
t_sig_api_machinery_garbage_collector_should_not_delete_dependents_that_have_both_valid_owner_and_owner_that_s_waiting_for_dependents_to_be_deleted() {
  gc_rc gcone 6 | kubectl apply -f - >/dev/null
  gc_rc gctwo 0 | kubectl apply -f - >/dev/null
  gc_wait_count pods app=gcone 6
  local uid2 p
  uid2="$(kubectl get rc gctwo -o jsonpath='{.metadata.uid}')"
  for p in $(kubectl get pods -l app=gcone -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\n' | head -3); do
    kubectl patch pod "$p" --type=json -p "[{\"op\":\"add\",\"path\":\"/metadata/ownerReferences/-\",\"value\":{\"apiVersion\":\"v1\",\"kind\":\"ReplicationController\",\"name\":\"gctwo\",\"uid\":\"$uid2\"}}]" >/dev/null
    kubectl label pod "$p" gc-both=yes >/dev/null
  done
  kubectl delete rc gcone --cascade=foreground --wait=false >/dev/null
  local deadline=$(( SECONDS + 60 ))
  while kubectl get rc gcone >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "rc gcone never went away"; return 1; }
    sleep 0.2
  done
  # the pods RC2 also owns survive, untouched by the deletion
  expect_eq "$(gc_count pods gc-both=yes)" 3
  expect_eq "$(gc_all pods gc-both=yes)" 3
  wait_for 30 bash -c "[ \"\$(kubectl get pods -l app=gcone,gc-both!=yes -o name | wc -l)\" -eq 0 ]"
  expect_eq "$(kubectl get pods -l gc-both=yes -o json | jq -r '[.items[].metadata.ownerReferences[].name] | unique | join(",")')" gctwo
}

# [sig-api-machinery] Garbage collector should not be blocked by dependency circle: pods owning
# each other in a circle (1<-3, 2<-1, 3<-2) are all collected once pod 1 is deleted.
t_sig_api_machinery_garbage_collector_should_not_be_blocked_by_dependency_circle() {
  local i uid
  for i in 1 2 3; do conf_pod "circle$i" 'sleep 3600' 'gc: circle' | kubectl apply -f - >/dev/null; done
  # owner of pod N: pod 1 <- 3, 2 <- 1, 3 <- 2
  for pair in 1:3 2:1 3:2; do
    uid="$(kubectl get pod "circle${pair#*:}" -o jsonpath='{.metadata.uid}')"
    kubectl patch pod "circle${pair%%:*}" --type=merge -p "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"circle${pair#*:}\",\"uid\":\"$uid\",\"controller\":true,\"blockOwnerDeletion\":true}]}}" >/dev/null
  done
  kubectl delete pod circle1 --wait=false >/dev/null
  gc_wait_count pods gc=circle 0 90
}

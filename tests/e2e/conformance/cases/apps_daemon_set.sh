# Conformance: test/e2e/apps/daemon_set.go (sig-apps Daemon set). One node: "a pod on every
# schedulable node" is the pod on $NODE. Node labels used for node selection carry $NS in their
# key (no other test sees them) and are removed on exit. Uses the apps_* helpers of
# apps_deployment.sh.

# ds_pod_on_node SELECTOR: the name of the live (not terminating) pod of SELECTOR on $NODE.
ds_pod_on_node() {
  kubectl get pods -l "$1" -o json | jq -r --arg n "$NODE" \
    '[.items[] | select(.spec.nodeName == $n and .metadata.deletionTimestamp == null)] | .[].metadata.name'
}

# ds_wait_one SELECTOR [seconds]: exactly one live pod of SELECTOR, Ready, on $NODE; prints it.
ds_wait_one() {
  local deadline=$(( SECONDS + ${2:-60} )) p
  while :; do
    p="$(ds_pod_on_node "$1")"
    if [ -n "$p" ] && [ "$(wc -l <<<"$p")" = 1 ] &&
       [ "$(kubectl get pod "$p" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; then
      echo "$p"; return 0
    fi
    [ "$SECONDS" -ge "$deadline" ] && { echo "no single ready daemon pod for $1 on $NODE" >&2; kubectl get pods -o wide >&2; return 1; }
    sleep 0.2
  done
}

# [sig-apps] Daemon set should list and delete a collection of DaemonSets: list by label,
# DELETE on the collection.
t_sig_apps_daemon_set_should_list_and_delete_a_collection_of_daemonsets() {
  apps_workload DaemonSet daemon-set 0 "daemonset-name: ds-$NS" | kubectl apply -f - >/dev/null
  ds_wait_one daemonset-name=ds-$NS >/dev/null
  expect_eq "$(kubectl get ds -A -l daemonset-name=ds-$NS -o jsonpath='{.items[*].metadata.name}')" daemon-set
  local out; out="$(api DELETE "/apis/apps/v1/namespaces/$NS/daemonsets?labelSelector=daemonset-name%3Dds-$NS")"
  expect_eq "$(jq -r .kind <<<"$out")" DaemonSetList
  local deadline=$(( SECONDS + 30 ))
  while [ -n "$(kubectl get ds -o name)" ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "DaemonSets not deleted"; kubectl get ds; return 1; }
    sleep 0.2
  done
}

# [sig-apps] Daemon set should retry creating failed daemon pods: a daemon pod whose phase turns
# Failed is deleted and replaced.
t_sig_apps_daemon_set_should_retry_creating_failed_daemon_pods() {
  apps_workload DaemonSet daemon-set 0 "daemonset-name: daemon-set" | kubectl apply -f - >/dev/null
  local p; p="$(ds_wait_one daemonset-name=daemon-set)"
  local uid; uid="$(kubectl get pod "$p" -o jsonpath='{.metadata.uid}')"
  kubectl patch pod "$p" --subresource=status --type=merge -p '{"status":{"phase":"Failed"}}' >/dev/null
  local deadline=$(( SECONDS + 60 )) q
  while :; do
    q="$(ds_wait_one daemonset-name=daemon-set 2>/dev/null)" || true
    [ -n "$q" ] && [ "$(kubectl get pod "$q" -o jsonpath='{.metadata.uid}')" != "$uid" ] && break
    [ "$SECONDS" -ge "$deadline" ] && { echo "failed daemon pod not replaced"; kubectl get pods -o wide; return 1; }
    sleep 0.3
  done
  apps_wait ds/daemon-set '{.status.numberReady}' 1
}

# [sig-apps] Daemon set should rollback without unnecessary restarts: an update to an image that
# cannot run, rolled back before it completes, brings back the old template; pods that were never
# updated keep running untouched (on one node: the one broken pod is replaced, nothing restarts).
t_sig_apps_daemon_set_should_rollback_without_unnecessary_restarts() {
  apps_workload DaemonSet daemon-set 0 "daemonset-name: daemon-set" 'sleep 3600' \
    '  updateStrategy: {type: RollingUpdate}' | kubectl apply -f - >/dev/null
  local p1; p1="$(ds_wait_one daemonset-name=daemon-set)"
  local rev1; rev1="$(kubectl get pod "$p1" -o jsonpath='{.metadata.labels.controller-revision-hash}')"
  kubectl set image ds/daemon-set c=localhost:1/berth-e2e/nonexistent:never >/dev/null
  # The update starts: the pod with the broken image exists (and never becomes ready).
  local deadline=$(( SECONDS + 60 ))
  until kubectl get pods -l daemonset-name=daemon-set -o jsonpath='{.items[*].spec.containers[0].image}' | grep -q nonexistent; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "update never started"; kubectl get pods -o wide; return 1; }
    sleep 0.2
  done
  kubectl rollout undo ds/daemon-set >/dev/null
  local p2; p2="$(ds_wait_one daemonset-name=daemon-set 90)"
  expect_eq "$(kubectl get pod "$p2" -o jsonpath='{.spec.containers[0].image}')" "$IMG"
  expect_eq "$(kubectl get pod "$p2" -o jsonpath='{.metadata.labels.controller-revision-hash}')" "$rev1"
  expect_eq "$(kubectl get pod "$p2" -o jsonpath='{.status.containerStatuses[0].restartCount}')" 0
  # Rolled back, not re-rolled: it settles with every pod at the old revision and stays there.
  apps_wait ds/daemon-set '{.status.updatedNumberScheduled}/{.status.numberReady}' 1/1
  sleep 2
  expect_eq "$(ds_pod_on_node daemonset-name=daemon-set)" "$p2"
}

# [sig-apps] Daemon set should run and stop complex daemon: a nodeSelector keeps the daemon off
# until the node carries the label, follows a selector change (RollingUpdate), and leaves when the
# label changes away.
t_sig_apps_daemon_set_should_run_and_stop_complex_daemon() {
  local key="daemonset-color-$NS"
  trap "kubectl label node '$NODE' '$key-' >/dev/null 2>&1 || true" EXIT
  apps_workload DaemonSet daemon-set 0 "daemonset-name: daemon-set" 'sleep 3600' \
    '  updateStrategy: {type: RollingUpdate}' "      nodeSelector: {$key: blue}" | kubectl apply -f - >/dev/null
  sleep 2
  expect_eq "$(kubectl get pods -l daemonset-name=daemon-set -o name)" ""
  apps_wait ds/daemon-set '{.status.desiredNumberScheduled}' 0
  kubectl label node "$NODE" "$key=blue" >/dev/null
  ds_wait_one daemonset-name=daemon-set >/dev/null
  kubectl label node "$NODE" "$key=green" --overwrite >/dev/null
  local deadline=$(( SECONDS + 30 ))
  while [ -n "$(kubectl get pods -l daemonset-name=daemon-set -o name)" ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "daemon pod not removed from unlabelled node"; return 1; }
    sleep 0.2
  done
  kubectl patch ds daemon-set -p "{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"$key\":\"green\"}}}}}" >/dev/null
  ds_wait_one daemonset-name=daemon-set >/dev/null
  apps_wait ds/daemon-set '{.status.numberAvailable}' 1
  kubectl label node "$NODE" "$key-" >/dev/null
  deadline=$(( SECONDS + 30 ))
  while [ -n "$(kubectl get pods -l daemonset-name=daemon-set -o name)" ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "daemon pod not removed"; return 1; }
    sleep 0.2
  done
}

# [sig-apps] Daemon set should run and stop simple daemon: a daemon pod runs on the node, a
# deleted one is recreated, and deleting the DaemonSet removes its pods.
t_sig_apps_daemon_set_should_run_and_stop_simple_daemon() {
  apps_workload DaemonSet daemon-set 0 "daemonset-name: daemon-set" 'exec netexec 9376' | kubectl apply -f - >/dev/null
  local p; p="$(ds_wait_one daemonset-name=daemon-set)"
  apps_wait ds/daemon-set '{.status.numberAvailable}' 1
  kubectl delete pod "$p" --wait=false >/dev/null
  local deadline=$(( SECONDS + 60 )) q
  while :; do
    q="$(ds_wait_one daemonset-name=daemon-set 2>/dev/null)" || true
    [ -n "$q" ] && [ "$q" != "$p" ] && break
    [ "$SECONDS" -ge "$deadline" ] && { echo "deleted daemon pod not replaced"; kubectl get pods -o wide; return 1; }
    sleep 0.3
  done
  kubectl delete ds daemon-set >/dev/null
  deadline=$(( SECONDS + 30 ))
  while [ -n "$(kubectl get pods -l daemonset-name=daemon-set -o name)" ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "daemon pods not removed"; return 1; }
    sleep 0.2
  done
}

# [sig-apps] Daemon set should update pod when spec was updated and update strategy is
# RollingUpdate: a template change replaces the daemon pod with one of the new revision.
t_sig_apps_daemon_set_should_update_pod_when_spec_was_updated_and_update_strategy_is_rollingupdate() {
  apps_workload DaemonSet daemon-set 0 "daemonset-name: daemon-set" 'sleep 3600' \
    '  updateStrategy: {type: RollingUpdate}' | kubectl apply -f - >/dev/null
  local p1; p1="$(ds_wait_one daemonset-name=daemon-set)"
  local rev1; rev1="$(kubectl get pod "$p1" -o jsonpath='{.metadata.labels.controller-revision-hash}')"
  expect_eq "$(kubectl get controllerrevisions -l daemonset-name=daemon-set --no-headers | wc -l)" 1
  kubectl set env ds/daemon-set V=2 >/dev/null
  kubectl rollout status ds/daemon-set --timeout=60s >/dev/null
  local p2; p2="$(ds_wait_one daemonset-name=daemon-set)"
  [ "$p2" != "$p1" ] || { echo "pod not replaced"; return 1; }
  local rev2; rev2="$(kubectl get pod "$p2" -o jsonpath='{.metadata.labels.controller-revision-hash}')"
  [ "$rev2" != "$rev1" ] || { echo "same revision after update"; return 1; }
  expect_eq "$(kubectl get pod "$p2" -o jsonpath='{.spec.containers[0].env[0].value}')" 2
  expect_eq "$(kubectl get controllerrevisions -l daemonset-name=daemon-set --no-headers | wc -l)" 2
  apps_wait ds/daemon-set '{.status.updatedNumberScheduled}' 1
}

# [sig-apps] Daemon set should verify changes to a daemon set status: read, update and patch
# daemonsets/status.
t_sig_apps_daemon_set_should_verify_changes_to_a_daemon_set_status() {
  apps_workload DaemonSet daemon-set 0 "daemonset-name: daemon-set" | kubectl apply -f - >/dev/null
  ds_wait_one daemonset-name=daemon-set >/dev/null
  apps_status_roundtrip ds/daemon-set
}

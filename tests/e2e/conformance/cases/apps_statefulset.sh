# Conformance: test/e2e/apps/statefulset.go (sig-apps StatefulSet, the basic functionality that
# needs no volumes). Uses the apps_* helpers of apps_deployment.sh. Readiness is an exec probe on
# /tmp/ready (the stand-in for breaking and restoring the httpd probe of the upstream test).

# sts_create NAME REPLICAS POLICY [COMMAND] [SPEC-EXTRA]: a headless Service "test" plus a
# StatefulSet labelled app=NAME, pods ready while /tmp/ready exists (COMMAND creates it by default).
sts_create() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: test}
spec:
  clusterIP: None
  selector: {app: $1}
  ports: [{port: 80}]
YAML
  apps_workload StatefulSet "$1" "$2" "app: $1" "${4:-touch /tmp/ready; sleep 3600}" \
    "  serviceName: test
  podManagementPolicy: $3
${5:-}" '' \
    '        readinessProbe: {exec: {command: [test, -f, /tmp/ready]}, periodSeconds: 1, failureThreshold: 1}' |
    kubectl apply -f -
}

# sts_pods SELECTOR: "name=revision-hash" per pod, sorted.
sts_pods() {
  kubectl get pods -l "$1" -o json |
    jq -r '.items[] | "\(.metadata.name)=\(.metadata.labels["controller-revision-hash"])"' | sort
}

# sts_ready POD: wait until the pod exists, runs and is Ready (it may be recreated on the way).
sts_ready() {
  local deadline=$(( SECONDS + ${2:-60} ))
  until [ "$(kubectl get pod "$1" -o jsonpath='{.metadata.deletionTimestamp}|{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = "|True" ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "pod $1 not ready"; kubectl get pods -o wide; return 1; }
    sleep 0.2
  done
}

# sts_unready POD: wait until the pod reports Ready=False.
sts_unready() {
  wait_jsonpath "$1" '{.status.conditions[?(@.type=="Ready")].status}' False 30
}

# [sig-apps] StatefulSet Burst scaling should run to completion even with unhealthy pods: with
# Parallel pod management, scaling up and down does not wait for unready pods.
t_sig_apps_statefulset_basic_statefulset_functionality_statefulsetbasic_burst_scaling_should_run_to_completion_even_with_unhealthy_pods() {
  sts_create ss 1 Parallel 'sleep 3600' >/dev/null
  wait_phase ss-0 Running 60
  sts_unready ss-0
  kubectl scale sts ss --replicas=3 >/dev/null
  wait_phase ss-1 Running 60
  wait_phase ss-2 Running 60
  expect_eq "$(ready_count app=ss)" 0
  kubectl scale sts ss --replicas=0 >/dev/null
  local deadline=$(( SECONDS + 60 ))
  while [ -n "$(kubectl get pods -l app=ss -o name)" ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "pods not deleted"; kubectl get pods; return 1; }
    sleep 0.2
  done
  apps_wait sts/ss '{.status.replicas}' 0
}

# [sig-apps] StatefulSet Scaling should happen in predictable order and halt if any stateful pod
# is unhealthy: OrderedReady creates ss-0, ss-1, ss-2 in order, each after the previous is Ready,
# stops while a pod is unready, and deletes in reverse order.
t_sig_apps_statefulset_basic_statefulset_functionality_statefulsetbasic_scaling_should_happen_in_predictable_order_and_halt_if_any_stateful_pod_is_unhealthy() {
  sts_create ss 1 OrderedReady >/dev/null
  sts_ready ss-0
  apps_watch_start up.watch "/api/v1/namespaces/$NS/pods?labelSelector=app%3Dss"
  kubectl exec ss-0 -- rm /tmp/ready
  sts_unready ss-0
  kubectl scale sts ss --replicas=3 >/dev/null
  sleep 5
  expect_eq "$(kubectl get pods -l app=ss -o jsonpath='{.items[*].metadata.name}')" ss-0
  kubectl exec ss-0 -- touch /tmp/ready
  wait_ready_count app=ss 3 90
  apps_watch_stop
  # Each pod is created only after the one before it is Ready.
  python3 - up.watch <<'PY'
import json, sys
ready = {}; created = []
for line in open(sys.argv[1]):
    if not line.strip(): continue
    ev = json.loads(line); p = ev["object"]; n = p["metadata"]["name"]
    if n not in created:
        created.append(n)
        prev = "ss-%d" % (int(n.split("-")[1]) - 1)
        if n != "ss-0" and not ready.get(prev):
            sys.exit("%s created before %s was ready" % (n, prev))
    conds = {c["type"]: c["status"] for c in p.get("status", {}).get("conditions", [])}
    ready[n] = conds.get("Ready") == "True" and ev["type"] != "DELETED"
if created != ["ss-0", "ss-1", "ss-2"]: sys.exit("creation order %s" % created)
PY
  # Scale down halts while pods are unready, then deletes ss-2, ss-1, ss-0 in turn.
  apps_watch_start down.watch "/api/v1/namespaces/$NS/pods?labelSelector=app%3Dss"
  local p
  for p in ss-0 ss-1 ss-2; do kubectl exec "$p" -- rm /tmp/ready; done
  for p in ss-0 ss-1 ss-2; do sts_unready "$p"; done
  kubectl scale sts ss --replicas=0 >/dev/null
  sleep 5
  expect_eq "$(kubectl get pods -l app=ss -o jsonpath='{.items[*].metadata.deletionTimestamp}')" ""
  expect_eq "$(kubectl get pods -l app=ss --no-headers | wc -l)" 3
  for p in ss-0 ss-1 ss-2; do kubectl exec "$p" -- touch /tmp/ready; done
  local deadline=$(( SECONDS + 90 ))
  while [ -n "$(kubectl get pods -l app=ss -o name)" ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "pods not deleted"; kubectl get pods; return 1; }
    sleep 0.3
  done
  sleep 1
  apps_watch_stop
  python3 - down.watch <<'PY'
import json, sys
order = []; gone = set()
for line in open(sys.argv[1]):
    if not line.strip(): continue
    ev = json.loads(line); p = ev["object"]; n = p["metadata"]["name"]
    if p["metadata"].get("deletionTimestamp") and n not in order:
        # A pod is marked for deletion only after every higher ordinal is gone.
        for m in order:
            if m not in gone: sys.exit("%s deleted while %s still terminating" % (n, m))
        order.append(n)
    if ev["type"] == "DELETED": gone.add(n)
if order != ["ss-2", "ss-1", "ss-0"]: sys.exit("deletion order %s" % order)
PY
}

# [sig-apps] StatefulSet Should recreate evicted statefulset: a stateful pod rejected by the node
# (its hostPort is taken by another pod) fails; the controller deletes and recreates it until it
# runs once the port is free.
t_sig_apps_statefulset_basic_statefulset_functionality_statefulsetbasic_should_recreate_evicted_statefulset() {
  local port=$(( 21017 + RANDOM % 20000 ))
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: test-pod}
spec:
  nodeName: $NODE
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: [sleep, "3600"]
    ports: [{containerPort: $port, hostPort: $port}]
YAML
  wait_running test-pod
  apps_watch_start ss0.watch "/api/v1/namespaces/$NS/pods?fieldSelector=metadata.name%3Dss-0"
  apps_workload StatefulSet ss 1 "app: ss" 'sleep 3600' '  serviceName: test' "      nodeName: $NODE" \
    "        ports: [{containerPort: $port, hostPort: $port}]" | kubectl apply -f - >/dev/null
  # ss-0 is rejected (Failed), deleted and recreated, over and over while the port is taken.
  eventually 60 python3 -c "$STS_FAILED_PY" ss0.watch
  kubectl delete pod test-pod --wait=false >/dev/null
  sts_ready ss-0 90
  apps_watch_stop
  # The pod that runs now is a new one, not one that failed.
  local uid; uid="$(kubectl get pod ss-0 -o jsonpath='{.metadata.uid}')"
  python3 -c "$STS_FAILED_PY" ss0.watch "$uid"
}

# STS_FAILED_PY WATCH-FILE [UID]: succeeds once the watch saw ss-0 Failed and then deleted (and,
# given UID, that UID never failed).
STS_FAILED_PY='
import json, sys
failed = set(); deleted = set()
for line in open(sys.argv[1]):
    if not line.strip(): continue
    ev = json.loads(line); p = ev["object"]; uid = p["metadata"]["uid"]
    if p.get("status", {}).get("phase") == "Failed": failed.add(uid)
    if ev["type"] == "DELETED": deleted.add(uid)
if not failed & deleted: sys.exit("no failed ss-0 deleted yet")
if len(sys.argv) > 2 and sys.argv[2] in failed: sys.exit("the running ss-0 had failed")
'

# [sig-apps] StatefulSet should have a working scale subresource: statefulsets/scale reads 1,
# takes 2 by update and 3 by patch; the StatefulSet follows.
t_sig_apps_statefulset_basic_statefulset_functionality_statefulsetbasic_should_have_a_working_scale_subresource() {
  sts_create ss 1 Parallel >/dev/null
  sts_ready ss-0
  expect_eq "$(kubectl get sts ss --subresource=scale -o jsonpath='{.spec.replicas}')" 1
  kubectl get sts ss --subresource=scale -o json | jq -c '.spec.replicas = 2' |
    apps_put "/apis/apps/v1/namespaces/$NS/statefulsets/ss/scale" >/dev/null
  expect_eq "$(kubectl get sts ss -o jsonpath='{.spec.replicas}')" 2
  sts_ready ss-1
  apps_wait sts/ss '{.status.replicas}' 2
  kubectl patch sts ss --subresource=scale --type=merge -p '{"spec":{"replicas":3}}' >/dev/null
  expect_eq "$(kubectl get sts ss -o jsonpath='{.spec.replicas}')" 3
  apps_wait sts/ss '{.status.readyReplicas}' 3
  expect_eq "$(kubectl get sts ss --subresource=scale -o jsonpath='{.status.replicas}')" 3
}

# [sig-apps] StatefulSet should list, patch and delete a collection of StatefulSets: list by
# label, patch, DELETE on the collection.
t_sig_apps_statefulset_basic_statefulset_functionality_statefulsetbasic_should_list_patch_and_delete_a_collection_of_statefulsets() {
  sts_create ss 1 OrderedReady >/dev/null
  kubectl label sts ss e2e=sts-collection >/dev/null
  sts_ready ss-0
  expect_eq "$(kubectl get sts -A -l e2e=sts-collection -o jsonpath='{.items[*].metadata.name}')" ss
  kubectl patch sts ss -p '{"metadata":{"labels":{"patched":"true"}},"spec":{"template":{"spec":{"containers":[{"name":"c","env":[{"name":"P","value":"1"}]}]}}}}' >/dev/null
  expect_eq "$(kubectl get sts -l patched=true -o jsonpath='{.items[*].metadata.name}')" ss
  apps_wait sts/ss '{.status.updatedReplicas}' 1
  sts_ready ss-0
  local out; out="$(api DELETE "/apis/apps/v1/namespaces/$NS/statefulsets?labelSelector=e2e%3Dsts-collection")"
  expect_eq "$(jq -r .kind <<<"$out")" StatefulSetList
  local deadline=$(( SECONDS + 30 ))
  while [ -n "$(kubectl get sts -o name)" ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "StatefulSets not deleted"; kubectl get sts; return 1; }
    sleep 0.2
  done
}

# [sig-apps] StatefulSet should perform canary updates and phased rolling updates of template
# modifications: a partition keeps ordinals below it at the current revision (also when deleted
# and recreated); lowering it rolls the rest.
t_sig_apps_statefulset_basic_statefulset_functionality_statefulsetbasic_should_perform_canary_updates_and_phased_rolling_updates_of_template_modifications() {
  sts_create ss2 3 OrderedReady '' '  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 3}}' >/dev/null
  wait_ready_count app=ss2 3 90
  local cur upd
  cur="$(kubectl get sts ss2 -o jsonpath='{.status.currentRevision}')"
  kubectl patch sts ss2 -p '{"spec":{"template":{"spec":{"containers":[{"name":"c","env":[{"name":"V","value":"2"}]}]}}}}' >/dev/null
  apps_wait sts/ss2 '{.status.observedGeneration}' "$(kubectl get sts ss2 -o jsonpath='{.metadata.generation}')"
  upd="$(kubectl get sts ss2 -o jsonpath='{.status.updateRevision}')"
  [ "$upd" != "$cur" ] || { echo "no new update revision"; return 1; }
  # Partition 3: nothing is updated.
  sleep 2
  expect_eq "$(sts_pods app=ss2 | tr '\n' ' ')" "ss2-0=$cur ss2-1=$cur ss2-2=$cur "
  # Canary: partition 2 updates only ss2-2.
  kubectl patch sts ss2 --type=merge -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}' >/dev/null
  apps_wait pod/ss2-2 '{.metadata.labels.controller-revision-hash}' "$upd" 60
  sts_ready ss2-2
  expect_eq "$(sts_pods app=ss2 | tr '\n' ' ')" "ss2-0=$cur ss2-1=$cur ss2-2=$upd "
  # Deleted pods come back at the revision their ordinal belongs to.
  kubectl delete pod ss2-0 ss2-2 --wait=false >/dev/null
  wait_ready_count app=ss2 3 90
  sts_ready ss2-0; sts_ready ss2-2
  expect_eq "$(sts_pods app=ss2 | tr '\n' ' ')" "ss2-0=$cur ss2-1=$cur ss2-2=$upd "
  # Phased: partition 1, then 0.
  kubectl patch sts ss2 --type=merge -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}' >/dev/null
  apps_wait pod/ss2-1 '{.metadata.labels.controller-revision-hash}' "$upd" 60
  sts_ready ss2-1
  expect_eq "$(kubectl get pod ss2-0 -o jsonpath='{.metadata.labels.controller-revision-hash}')" "$cur"
  kubectl patch sts ss2 --type=merge -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}' >/dev/null
  apps_wait pod/ss2-0 '{.metadata.labels.controller-revision-hash}' "$upd" 60
  apps_wait sts/ss2 '{.status.currentRevision}' "$upd" 60
  apps_wait sts/ss2 '{.status.updatedReplicas}' 3 60
}

# [sig-apps] StatefulSet should perform rolling updates and roll backs of template modifications:
# a template change replaces pods one at a time from the highest ordinal, the status carries
# currentRevision/updateRevision, and restoring the old template reuses the old revision.
t_sig_apps_statefulset_basic_statefulset_functionality_statefulsetbasic_should_perform_rolling_updates_and_roll_backs_of_template_modifications() {
  sts_create ss2 3 OrderedReady >/dev/null
  wait_ready_count app=ss2 3 90
  apps_wait sts/ss2 '{.status.readyReplicas}' 3
  local rev1 rev2
  rev1="$(kubectl get sts ss2 -o jsonpath='{.status.currentRevision}')"
  expect_eq "$(kubectl get sts ss2 -o jsonpath='{.status.updateRevision}')" "$rev1"
  apps_watch_start roll.watch "/api/v1/namespaces/$NS/pods?labelSelector=app%3Dss2"
  kubectl patch sts ss2 -p '{"spec":{"template":{"spec":{"containers":[{"name":"c","env":[{"name":"V","value":"2"}]}]}}}}' >/dev/null
  apps_wait sts/ss2 '{.status.observedGeneration}' 2
  rev2="$(kubectl get sts ss2 -o jsonpath='{.status.updateRevision}')"
  [ "$rev2" != "$rev1" ] || { echo "no new revision"; return 1; }
  apps_wait sts/ss2 '{.status.currentRevision}' "$rev2" 120
  wait_ready_count app=ss2 3 60
  apps_watch_stop
  expect_eq "$(sts_pods app=ss2 | tr '\n' ' ')" "ss2-0=$rev2 ss2-1=$rev2 ss2-2=$rev2 "
  # Updated one at a time, highest ordinal first.
  python3 - roll.watch <<'PY'
import json, sys
order = []
for line in open(sys.argv[1]):
    if not line.strip(): continue
    p = json.loads(line)["object"]; n = p["metadata"]["name"]
    if p["metadata"].get("deletionTimestamp") and n not in order: order.append(n)
if order != ["ss2-2", "ss2-1", "ss2-0"]: sys.exit("update (deletion) order %s" % order)
PY
  # Roll back: the old template maps back to the old revision, not a new one.
  kubectl patch sts ss2 --type=json -p '[{"op":"remove","path":"/spec/template/spec/containers/0/env"}]' >/dev/null
  apps_wait sts/ss2 '{.status.updateRevision}' "$rev1" 30
  apps_wait sts/ss2 '{.status.currentRevision}' "$rev1" 120
  wait_ready_count app=ss2 3 60
  expect_eq "$(sts_pods app=ss2 | tr '\n' ' ')" "ss2-0=$rev1 ss2-1=$rev1 ss2-2=$rev1 "
  expect_eq "$(kubectl get controllerrevisions -l app=ss2 --no-headers | wc -l)" 2
}

# [sig-apps] StatefulSet should validate Statefulset Status endpoints: read, update and patch
# statefulsets/status.
t_sig_apps_statefulset_basic_statefulset_functionality_statefulsetbasic_should_validate_statefulset_status_endpoints() {
  sts_create ss 1 OrderedReady >/dev/null
  sts_ready ss-0
  apps_status_roundtrip sts/ss
}

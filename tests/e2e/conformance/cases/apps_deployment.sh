# Conformance: test/e2e/apps/deployment.go (sig-apps Deployment).
# The apps_* helpers at the top are shared by every apps_*.sh case file.

# apps_workload KIND NAME REPLICAS LABELS [COMMAND] [SPEC-EXTRA] [POD-EXTRA] [CONTAINER-EXTRA]:
# a Deployment/ReplicaSet/StatefulSet/DaemonSet manifest whose pods run COMMAND (default: a long
# sleep) in $IMG. LABELS is inline YAML ("app: x", used as selector and pod labels); SPEC-EXTRA is
# YAML lines under spec (2 spaces), POD-EXTRA under the pod spec (6), CONTAINER-EXTRA under the
# container (8).
apps_workload() {
  local kind="$1" name="$2" replicas="$3" labels="$4" cmd="${5:-sleep 3600}"
  local rep="  replicas: $replicas"
  [ "$kind" = DaemonSet ] && rep=""
  cat <<YAML
apiVersion: apps/v1
kind: $kind
metadata:
  name: $name
  labels: {$labels}
spec:
$rep
  selector:
    matchLabels: {$labels}
${6:-}
  template:
    metadata:
      labels: {$labels}
    spec:
      terminationGracePeriodSeconds: 1
${7:-}
      containers:
      - name: c
        image: $IMG
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "$cmd"]
${8:-}
YAML
}

# apps_wait RESOURCE JSONPATH EXPECTED [seconds]: poll `kubectl get RESOURCE` until the jsonpath
# prints EXPECTED.
apps_wait() {
  local got="" deadline=$(( SECONDS + ${4:-60} ))
  while :; do
    got="$(kubectl get "$1" -o jsonpath="$2" 2>/dev/null)" || true
    [ "$got" = "$3" ] && return 0
    [ "$SECONDS" -ge "$deadline" ] && break
    sleep 0.2
  done
  echo "$1: $2 = [$got], wanted [$3]"; kubectl get "$1" -o yaml; return 1
}

# apps_put API-PATH: PUT the JSON on stdin (client-go's Update, e.g. of a scale subresource);
# fails unless the answer is 200.
apps_put() {
  local out code
  out="$(api PUT "$1" -H 'Content-Type: application/json' --data-binary @- -w '\n%{http_code}')"
  code="$(tail -1 <<<"$out")"
  [ "$code" = 200 ] || { echo "PUT $1 -> $code"; echo "$out"; return 1; }
  head -n -1 <<<"$out"
}

# apps_status_roundtrip RESOURCE(kind/name): read the status subresource, replace it with an
# added condition StatusUpdate, merge-patch another condition StatusPatched, and check that both
# are visible through the status subresource and the object itself.
apps_status_roundtrip() {
  local res="$1" got
  got="$(kubectl get "$res" --subresource=status -o json)"
  expect_eq "$(jq -r .kind <<<"$got")" "$(kubectl get "$res" -o jsonpath='{.kind}')"
  jq '.status.conditions = ((.status.conditions // []) + [{"type":"StatusUpdate","status":"True","reason":"E2E","message":"Set from e2e test","lastTransitionTime":"2024-01-01T00:00:00Z"}])' \
    <<<"$got" | kubectl replace --subresource=status -f - >/dev/null
  got="$(kubectl get "$res" --subresource=status -o jsonpath='{.status.conditions[?(@.type=="StatusUpdate")].reason}')"
  expect_eq "$got" E2E
  # A JSON patch appends to the list (a merge patch would replace the conditions).
  kubectl patch "$res" --subresource=status --type=json \
    -p '[{"op":"add","path":"/status/conditions/-","value":{"type":"StatusPatched","status":"True","lastTransitionTime":"2024-01-01T00:00:00Z"}}]' >/dev/null
  got="$(kubectl get "$res" -o jsonpath='{.status.conditions[?(@.type=="StatusPatched")].status}')"
  expect_eq "$got" True
}

# apps_watch_start FILE API-PATH: stream a watch (one JSON event per line) into FILE in the
# background, from the current resourceVersion of the list; apps_watch_stop ends it.
apps_watch_start() {
  local rv
  rv="$(api GET "$2" | jq -r .metadata.resourceVersion)"
  local sep='?'; [[ "$2" == *'?'* ]] && sep='&'
  api GET "$2${sep}watch=1&resourceVersion=$rv" -N --max-time 200 >"$1" 2>/dev/null &
  APPS_WATCH_PID=$!
}
apps_watch_stop() { kill "$APPS_WATCH_PID" 2>/dev/null || true; wait "$APPS_WATCH_PID" 2>/dev/null || true; }

# apps_rs_of DEPLOYMENT: the names of the ReplicaSets controlled by the Deployment, with spec
# replicas: "name=replicas" per line, sorted.
apps_rs_of() {
  local uid; uid="$(kubectl get deploy "$1" -o jsonpath='{.metadata.uid}')"
  kubectl get rs -o json | jq -r --arg uid "$uid" \
    '.items[] | select(any(.metadata.ownerReferences[]?; .uid == $uid and .controller)) | "\(.metadata.name)=\(.spec.replicas)"' | sort
}

# [sig-apps] Deployment Deployment should have a working scale subresource: get, update and
# patch deployments/scale; the Deployment follows.
t_sig_apps_deployment_deployment_should_have_a_working_scale_subresource() {
  apps_workload Deployment scaled 1 "app: scaled" | kubectl apply -f - >/dev/null
  wait_ready_count app=scaled 1
  expect_eq "$(kubectl get deploy scaled --subresource=scale -o jsonpath='{.spec.replicas}')" 1
  expect_eq "$(kubectl get deploy scaled --subresource=scale -o jsonpath='{.kind}')" Scale
  kubectl get deploy scaled --subresource=scale -o json | jq -c '.spec.replicas = 2' |
    apps_put "/apis/apps/v1/namespaces/$NS/deployments/scaled/scale" >/dev/null
  expect_eq "$(kubectl get deploy scaled -o jsonpath='{.spec.replicas}')" 2
  wait_ready_count app=scaled 2
  kubectl patch deploy scaled --subresource=scale --type=merge -p '{"spec":{"replicas":4}}' >/dev/null
  expect_eq "$(kubectl get deploy scaled -o jsonpath='{.spec.replicas}')" 4
  apps_wait deploy/scaled '{.status.readyReplicas}' 4
  expect_eq "$(kubectl get deploy scaled --subresource=scale -o jsonpath='{.status.replicas}')" 4
}

# [sig-apps] Deployment RecreateDeployment should delete old pods and create new ones: with the
# Recreate strategy no pod of the new template exists before every old pod is gone.
t_sig_apps_deployment_recreatedeployment_should_delete_old_pods_and_create_new_ones() {
  apps_workload Deployment recreate 2 "app: recreate" 'sleep 3600' '  strategy: {type: Recreate}' |
    kubectl apply -f - >/dev/null
  kubectl rollout status deploy/recreate --timeout=60s >/dev/null
  wait_ready_count app=recreate 2
  apps_watch_start pods.watch "/api/v1/namespaces/$NS/pods?labelSelector=app%3Drecreate"
  kubectl set env deploy/recreate V=2 >/dev/null
  kubectl rollout status deploy/recreate --timeout=60s >/dev/null
  wait_ready_count app=recreate 2
  apps_watch_stop
  expect_eq "$(kubectl get deploy recreate -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')" 2
  # Replay the watch: when a new-template pod appears, no old-template pod may still be alive.
  python3 - pods.watch <<'PY'
import json, sys
old = {}; first = None; alive = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line: continue
    ev = json.loads(line); p = ev["object"]; name = p["metadata"]["name"]
    h = p["metadata"].get("labels", {}).get("pod-template-hash")
    if first is None: first = h
    if ev["type"] == "DELETED" or p.get("status", {}).get("phase") in ("Succeeded", "Failed"):
        alive.pop(name, None)
    else:
        alive[name] = h
    hashes = set(alive.values())
    if len(hashes) > 1:
        sys.exit("old and new pods alive together: %s" % alive)
hs = set()
for line in open(sys.argv[1]):
    if line.strip(): hs.add(json.loads(line)["object"]["metadata"].get("labels", {}).get("pod-template-hash"))
if len(hs) < 2: sys.exit("watch saw only template hashes %s" % hs)
PY
}

# [sig-apps] Deployment RollingUpdateDeployment should delete old pods and create new ones: a
# Deployment adopts a matching ReplicaSet, continues its revision numbering, rolls to its own
# template and scales the adopted one to zero.
t_sig_apps_deployment_rollingupdatedeployment_should_delete_old_pods_and_create_new_ones() {
  apps_workload ReplicaSet test-rolling-update-controller 1 "name: sample-pod, pod: httpd" |
    sed 's/^  labels: {name: sample-pod, pod: httpd}$/  labels: {name: sample-pod, pod: httpd}\n  annotations: {deployment.kubernetes.io\/revision: "3546343826724305832"}/' |
    kubectl apply -f - >/dev/null
  wait_ready_count name=sample-pod 1
  apps_workload Deployment test-rolling-update-deployment 1 "name: sample-pod" 'sleep 3601' |
    kubectl apply -f - >/dev/null
  apps_wait deploy/test-rolling-update-deployment '{.metadata.annotations.deployment\.kubernetes\.io/revision}' 3546343826724305833
  kubectl rollout status deploy/test-rolling-update-deployment --timeout=60s >/dev/null
  wait_ready_count name=sample-pod 1
  local rs; rs="$(apps_rs_of test-rolling-update-deployment)"
  expect_eq "$(wc -l <<<"$rs")" 2
  expect_contains "$rs" "test-rolling-update-controller=0"
  # The one remaining pod is the Deployment's.
  expect_eq "$(kubectl get pods -l name=sample-pod -o jsonpath='{.items[0].spec.containers[0].command[2]}')" "sleep 3601"
}

# [sig-apps] Deployment deployment should delete old replica sets: with revisionHistoryLimit 0 the
# adopted old ReplicaSet is deleted once the rollout finishes.
t_sig_apps_deployment_deployment_should_delete_old_replica_sets() {
  apps_workload ReplicaSet test-cleanup-controller 1 "name: cleanup-pod, pod: httpd" |
    kubectl apply -f - >/dev/null
  wait_ready_count name=cleanup-pod 1
  apps_workload Deployment test-cleanup-deployment 1 "name: cleanup-pod" 'sleep 3601' '  revisionHistoryLimit: 0' |
    kubectl apply -f - >/dev/null
  kubectl rollout status deploy/test-cleanup-deployment --timeout=60s >/dev/null
  local deadline=$(( SECONDS + 30 ))
  until [ "$(kubectl get rs --no-headers | wc -l)" = 1 ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "old ReplicaSets not deleted"; kubectl get rs; return 1; }
    sleep 0.3
  done
  expect_fail kubectl get rs test-cleanup-controller
}

# [sig-apps] Deployment deployment should support proportional scaling: scaling a Deployment in
# the middle of a stuck rollout spreads the new replicas over both ReplicaSets in proportion.
t_sig_apps_deployment_deployment_should_support_proportional_scaling() {
  apps_workload Deployment prop 10 "app: prop" 'sleep 3600' \
    '  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 3, maxUnavailable: 2}}' |
    kubectl apply -f - >/dev/null
  kubectl rollout status deploy/prop --timeout=120s >/dev/null
  local first; first="$(apps_rs_of prop | cut -d= -f1)"
  # An image that can never be pulled: the new ReplicaSet never becomes available.
  kubectl set image deploy/prop c=localhost:1/berth-e2e/nonexistent:never >/dev/null
  apps_wait "rs/$first" '{.spec.replicas}' 8
  local deadline=$(( SECONDS + 60 )) rs
  until rs="$(apps_rs_of prop)"; [ "$(wc -l <<<"$rs")" = 2 ] && grep -q "=5$" <<<"$rs"; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "rollout did not stall at 8+5: $rs"; return 1; }
    sleep 0.3
  done
  local second; second="$(grep -v "^$first=" <<<"$rs" | cut -d= -f1)"
  kubectl scale deploy/prop --replicas=30 >/dev/null
  apps_wait "rs/$first" '{.spec.replicas}' 20
  apps_wait "rs/$second" '{.spec.replicas}' 13
}

# [sig-apps] Deployment deployment should support rollover: a template change during a stuck
# rollout rolls over to the newest template; the adopted and the intermediate ReplicaSet end at 0.
t_sig_apps_deployment_deployment_should_support_rollover() {
  apps_workload ReplicaSet test-rollover-controller 1 "name: rollover-pod, pod: httpd" |
    kubectl apply -f - >/dev/null
  wait_ready_count name=rollover-pod 1
  apps_workload Deployment test-rollover-deployment 1 "name: rollover-pod" 'sleep 3601' \
    '  minReadySeconds: 5
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}' |
    sed 's#image: .*#image: localhost:1/berth-e2e/nonexistent:never#' | kubectl apply -f - >/dev/null
  local deadline=$(( SECONDS + 30 )) rs
  until rs="$(apps_rs_of test-rollover-deployment)"; grep -q '^test-rollover-deployment-.*=1$' <<<"$rs"; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "no new ReplicaSet: $rs"; return 1; }
    sleep 0.3
  done
  local stuck; stuck="$(grep '^test-rollover-deployment-' <<<"$rs" | cut -d= -f1)"
  # maxUnavailable 0: the adopted ReplicaSet keeps its pod while the new one cannot become ready.
  sleep 2
  expect_eq "$(kubectl get rs test-rollover-controller -o jsonpath='{.spec.replicas}')" 1
  kubectl set image deploy/test-rollover-deployment "c=$IMG" >/dev/null
  kubectl rollout status deploy/test-rollover-deployment --timeout=90s >/dev/null
  expect_eq "$(kubectl get deploy test-rollover-deployment -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')" 2
  apps_wait rs/test-rollover-controller '{.spec.replicas}' 0
  apps_wait "rs/$stuck" '{.spec.replicas}' 0
  wait_ready_count name=rollover-pod 1
}

# [sig-apps] Deployment should run the lifecycle of a Deployment: create, patch, list by label,
# scale, update, status read and patch, delete by collection (watched to the end).
t_sig_apps_deployment_should_run_the_lifecycle_of_a_deployment() {
  apps_workload Deployment test-deployment 1 "test-deployment-static: \"true\"" | kubectl apply -f - >/dev/null
  apps_wait deploy/test-deployment '{.status.readyReplicas}' 1
  kubectl patch deploy test-deployment -p \
    '{"metadata":{"labels":{"test-deployment":"patched"}},"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"c","command":["sh","-c","sleep 3602"]}]}}}}' >/dev/null
  kubectl rollout status deploy/test-deployment --timeout=60s >/dev/null
  apps_wait deploy/test-deployment '{.status.readyReplicas}' 2
  expect_eq "$(kubectl get deploy -A -l test-deployment=patched -o jsonpath='{.items[*].metadata.name}')" test-deployment
  kubectl scale deploy test-deployment --replicas=1 >/dev/null
  apps_wait deploy/test-deployment '{.status.replicas}' 1
  kubectl get deploy test-deployment -o json |
    jq '.metadata.labels["test-deployment"] = "updated" | .spec.template.spec.containers[0].command = ["sh","-c","sleep 3603"]' |
    kubectl replace -f - >/dev/null
  kubectl rollout status deploy/test-deployment --timeout=60s >/dev/null
  expect_eq "$(kubectl get deploy test-deployment -o jsonpath='{.metadata.labels.test-deployment}')" updated
  local st; st="$(kubectl get deploy test-deployment --subresource=status -o jsonpath='{.status.availableReplicas}')"
  expect_eq "$st" 1
  kubectl patch deploy test-deployment --subresource=status --type=merge \
    -p '{"metadata":{"annotations":{"patchedstatus":"true"}},"status":{"readyReplicas":1}}' >/dev/null
  expect_eq "$(kubectl get deploy test-deployment -o jsonpath='{.metadata.annotations.patchedstatus}')" true
  apps_watch_start deploy.watch "/apis/apps/v1/namespaces/$NS/deployments?labelSelector=test-deployment-static%3Dtrue"
  kubectl delete deploy -l test-deployment-static=true >/dev/null
  eventually 30 grep -q DELETED deploy.watch
  apps_watch_stop
  expect_eq "$(kubectl get deploy --no-headers 2>/dev/null | wc -l)" 0
}

# [sig-apps] Deployment should validate Deployment Status endpoints: read, update and patch
# deployments/status; the changes are visible afterwards.
t_sig_apps_deployment_should_validate_deployment_status_endpoints() {
  apps_workload Deployment status-d 1 "app: status-d" | kubectl apply -f - >/dev/null
  kubectl rollout status deploy/status-d --timeout=60s >/dev/null
  apps_status_roundtrip deploy/status-d
}

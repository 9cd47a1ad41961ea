# Issue 4 on a real node: the scheduler and the workload controllers driven by kubectl, with
# real containers (runc, CNI, the busybox test image).

NODE_IMAGE_V2="berth.local/busybox:v2"

# Imports the same image under a second reference, for `kubectl set image` (once per run).
workloads_image_v2() {
  [ -f "$E2E_TMP/v2.tar" ] && return 0
  "$ROOT/scripts/make-test-image" "$E2E_TMP/v2.tar" "$NODE_IMAGE_V2" >/dev/null 2>&1
  "$BERTH" image import --data-dir "$E2E_DATA" "$E2E_TMP/v2.tar" >/dev/null
}

# deploy_yaml NAME REPLICAS [readiness command] [extra spec yaml]
deploy_yaml() {
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1}
spec:
  replicas: $2
  selector: {matchLabels: {app: $1}}
  ${4:-}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: $NODE_IMAGE
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "exec httpd -f -p 8080 -h /var/www"]
        readinessProbe:
          exec: {command: ["sh", "-c", "${3:-true}"]}
          periodSeconds: 1
YAML
}

test_deployment_scales_rolls_out_and_rolls_back() {
  workloads_image_v2
  deploy_yaml web 3 | kubectl apply -f -
  kubectl rollout status deployment/web --timeout=60s
  wait_ready_count app=web 3
  out="$(kubectl get deployment web)"
  expect_match "$out" "web +3/3 +3 +3 "
  # Every pod is bound by the scheduler (no nodeName in the template) and runs on the node.
  out="$(kubectl get pods -l app=web -o wide)"
  expect_contains "$out" "node-$NODE_ID"
  wait_event reason=Scheduled "Successfully assigned default/web-"
  wait_event reason=ScalingReplicaSet "Scaled up replica set web-"

  kubectl scale deployment/web --replicas=5
  kubectl rollout status deployment/web --timeout=60s
  wait_ready_count app=web 5
  kubectl scale deployment/web --replicas=2
  wait_ready_count app=web 2

  kubectl set image deployment/web c="$NODE_IMAGE_V2"
  kubectl rollout status deployment/web --timeout=90s
  wait_ready_count app=web 2
  out="$(kubectl get pods -l app=web -o jsonpath='{.items[*].spec.containers[0].image}')"
  expect_eq "$out" "$NODE_IMAGE_V2 $NODE_IMAGE_V2"
  out="$(kubectl rollout history deployment/web)"
  expect_match "$out" "1 +<none>"
  expect_match "$out" "2 +<none>"
  [ "$(kubectl get rs -l app=web --no-headers | wc -l)" = 2 ]

  kubectl rollout undo deployment/web
  kubectl rollout status deployment/web --timeout=90s
  wait_ready_count app=web 2
  out="$(kubectl get pods -l app=web -o jsonpath='{.items[*].spec.containers[0].image}')"
  expect_eq "$out" "$NODE_IMAGE $NODE_IMAGE"
  out="$(kubectl rollout history deployment/web)"
  expect_match "$out" "2 +<none>"
  expect_match "$out" "3 +<none>"
  if echo "$out" | grep -qE '^1 '; then echo "revision 1 should have become 3: $out"; return 1; fi

  kubectl rollout undo deployment/web --to-revision=2
  kubectl rollout status deployment/web --timeout=90s
  out="$(kubectl get deployment web -o jsonpath='{.spec.template.spec.containers[0].image}')"
  expect_eq "$out" "$NODE_IMAGE_V2"
  kubectl wait --for=condition=Available deployment/web --timeout=30s
  kubectl delete deployment web --wait=true --timeout=60s
  for _ in $(seq 1 100); do
    [ -z "$(kubectl get rs,pods -l app=web --no-headers 2>/dev/null)" ] && break; sleep 0.2
  done
  expect_eq "$(kubectl get rs,pods -l app=web --no-headers 2>/dev/null)" ""
}

test_deleted_pod_and_killed_container_are_replaced() {
  deploy_yaml heal 2 | kubectl apply -f -
  kubectl rollout status deployment/heal --timeout=60s
  victim="$(kubectl get pods -l app=heal -o jsonpath='{.items[0].metadata.name}')"
  kubectl delete pod "$victim" --wait=false
  for _ in $(seq 1 100); do
    names="$(kubectl get pods -l app=heal -o jsonpath='{.items[*].metadata.name}')"
    [[ "$names" != *"$victim"* ]] && [ "$(ready_count app=heal)" = 2 ] && break
    sleep 0.2
  done
  expect_eq "$(ready_count app=heal)" "2"
  names="$(kubectl get pods -l app=heal -o jsonpath='{.items[*].metadata.name}')"
  if [[ "$names" == *"$victim"* ]]; then echo "$victim was not replaced: $names"; return 1; fi
  wait_event reason=SuccessfulCreate "Created pod: heal-"

  # Kill the container's main process from the host: the agent restarts it in place.
  pod="$(kubectl get pods -l app=heal -o jsonpath='{.items[0].metadata.name}')"
  cid="$(kubectl get pod "$pod" -o jsonpath='{.status.containerStatuses[0].containerID}')"
  cid="${cid#*://}"
  pid="$(runc --root "/run/berth/$NODE_ID/runc" state "$cid" | sed -n 's/^ *"pid": *\([0-9]*\),*$/\1/p')"
  [ -n "$pid" ] && [ "$pid" -gt 1 ]
  kill -9 "$pid"
  wait_jsonpath "$pod" '{.status.containerStatuses[0].restartCount}' 1 60
  wait_jsonpath "$pod" '{.status.conditions[?(@.type=="Ready")].status}' True 60
  kubectl delete deployment heal --wait=true --timeout=60s
}

test_rollout_that_never_becomes_ready_hits_its_progress_deadline() {
  deploy_yaml stuck 1 false "progressDeadlineSeconds: 6" | kubectl apply -f -
  if out="$(kubectl rollout status deployment/stuck --timeout=60s 2>&1)"; then
    echo "rollout status succeeded for a never-ready deployment: $out"; return 1
  fi
  expect_contains "$out" 'exceeded its progress deadline'
  out="$(kubectl get deployment stuck -o jsonpath='{.status.conditions[?(@.type=="Progressing")].reason}')"
  expect_eq "$out" "ProgressDeadlineExceeded"
  kubectl delete deployment stuck --wait=true --timeout=60s
}

test_job_runs_to_completion() {
  cat <<YAML | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata: {name: count}
spec:
  completions: 3
  parallelism: 2
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: $NODE_IMAGE
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "echo job-ran-\$HOSTNAME"]
YAML
  kubectl wait --for=condition=complete job/count --timeout=90s
  out="$(kubectl get job count -o jsonpath='{.status.succeeded}')"
  expect_eq "$out" "3"
  pod="$(kubectl get pods -l job-name=count -o jsonpath='{.items[0].metadata.name}')"
  out="$(kubectl logs "$pod")"
  expect_contains "$out" "job-ran-$pod"
  kubectl delete job count --wait=true --timeout=60s
  for _ in $(seq 1 100); do [ -z "$(kubectl get pods -l job-name=count --no-headers 2>/dev/null)" ] && break; sleep 0.2; done
  expect_eq "$(kubectl get pods -l job-name=count --no-headers 2>/dev/null)" ""
}

test_cronjob_fires() {
  cat <<YAML | kubectl apply -f -
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: c
            image: $NODE_IMAGE
            imagePullPolicy: IfNotPresent
            command: ["sh", "-c", "echo tick"]
YAML
  for _ in $(seq 1 400); do
    [ -n "$(kubectl get cronjob tick -o jsonpath='{.status.lastSuccessfulTime}' 2>/dev/null)" ] && break
    sleep 0.25
  done
  job="$(kubectl get jobs -o jsonpath='{.items[?(@.metadata.ownerReferences[0].name=="tick")].metadata.name}')"
  expect_match "$job" '^tick-[0-9]+$'
  kubectl wait --for=condition=complete "job/$job" --timeout=30s
  expect_match "$(kubectl get cronjob tick -o jsonpath='{.status.lastScheduleTime}')" '^20'
  kubectl delete cronjob tick --wait=true --timeout=60s
}

test_unschedulable_pod_waits_for_a_fitting_node() {
  cat <<YAML | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: picky}
spec:
  nodeSelector: {disktype: ssd}
  terminationGracePeriodSeconds: 1
  containers:
  - {name: c, image: $NODE_IMAGE, imagePullPolicy: IfNotPresent, command: ["sleep", "3600"]}
YAML
  wait_jsonpath picky '{.status.conditions[?(@.type=="PodScheduled")].reason}' Unschedulable
  out="$(kubectl get pod picky -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}')"
  expect_eq "$out" "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."
  wait_event involvedObject.name=picky,reason=FailedScheduling "didn't match"
  # A cluster change (the label) retries it at once.
  kubectl label node "node-$NODE_ID" disktype=ssd
  wait_phase picky Running 60
  kubectl label node "node-$NODE_ID" disktype-
  kubectl delete pod picky --wait=true --timeout=30s

  pod_yaml greedy 'sleep 3600' '    resources: {requests: {cpu: "5000"}}' | sed '/nodeName:/d' | kubectl apply -f -
  wait_jsonpath greedy '{.status.conditions[?(@.type=="PodScheduled")].message}' "0/1 nodes are available: 1 Insufficient cpu."
  kubectl delete pod greedy --wait=true --timeout=30s
}

test_cordon_drain_and_disruption_budget() {
  deploy_yaml drained 2 | kubectl apply -f -
  kubectl rollout status deployment/drained --timeout=60s
  cat <<YAML | kubectl apply -f -
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: drained}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: drained}}
YAML
  for _ in $(seq 1 100); do
    [ "$(kubectl get pdb drained -o jsonpath='{.status.currentHealthy}')" = 2 ] && break; sleep 0.1
  done
  expect_eq "$(kubectl get pdb drained -o jsonpath='{.status.disruptionsAllowed}')" "0"
  # The budget allows no eviction: drain gives up and the pods keep running.
  if out="$(kubectl drain "node-$NODE_ID" --ignore-daemonsets --delete-emptydir-data --force --timeout=5s 2>&1)"; then
    echo "drain succeeded despite the budget: $out"; return 1
  fi
  expect_contains "$out" "disruption budget"
  expect_eq "$(ready_count app=drained)" "2"
  out="$(kubectl get node "node-$NODE_ID")"
  expect_contains "$out" "SchedulingDisabled"
  # Cordoned: a new pod cannot be placed.
  pod_yaml latecomer 'sleep 3600' | sed '/nodeName:/d' | kubectl apply -f -
  wait_jsonpath latecomer '{.status.conditions[?(@.type=="PodScheduled")].message}' "0/1 nodes are available: 1 node(s) were unschedulable."
  # Without the budget the drain evicts the deployment's pods; their replacements wait.
  kubectl delete pdb drained
  kubectl drain "node-$NODE_ID" --ignore-daemonsets --delete-emptydir-data --force --timeout=60s
  expect_eq "$(ready_count app=drained)" "0"
  kubectl uncordon "node-$NODE_ID"
  wait_ready_count app=drained 2 60
  kubectl delete deployment drained --wait=true --timeout=60s
}

test_daemonset_statefulset_and_cascading_deletes() {
  cat <<YAML | kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: c, image: $NODE_IMAGE, imagePullPolicy: IfNotPresent, command: ["sleep", "3600"]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: $NODE_IMAGE
        imagePullPolicy: IfNotPresent
        command: ["sleep", "3600"]
        readinessProbe: {exec: {command: ["true"]}, periodSeconds: 1}
YAML
  kubectl rollout status daemonset/agent --timeout=60s
  out="$(kubectl get pods -l app=agent -o jsonpath='{.items[*].spec.nodeName}')"
  expect_eq "$out" "node-$NODE_ID"
  kubectl rollout status statefulset/db --timeout=60s
  wait_ready_count app=db 2
  t0="$(kubectl get pod db-0 -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
  t1="$(kubectl get pod db-1 -o jsonpath='{.metadata.creationTimestamp}')"
  [[ ! "$t1" < "$t0" ]] || { echo "db-1 created ($t1) before db-0 was ready ($t0)"; return 1; }
  expect_eq "$(kubectl get pod db-1 -o jsonpath='{.spec.hostname}')" "db-1"

  # Orphan: the StatefulSet goes, its pods stay without an owner.
  kubectl delete statefulset db --cascade=orphan --wait=true --timeout=30s
  sleep 1
  expect_eq "$(kubectl get pods -l app=db --no-headers | wc -l)" "2"
  expect_eq "$(kubectl get pod db-0 -o jsonpath='{.metadata.ownerReferences}')" ""
  kubectl delete pods -l app=db --wait=true --timeout=30s
  # Foreground: the DaemonSet waits for its pods.
  kubectl delete daemonset agent --cascade=foreground --wait=true --timeout=60s
  expect_eq "$(kubectl get pods -l app=agent --no-headers 2>/dev/null | wc -l)" "0"
  # Deleting a namespace deletes everything in it.
  kubectl create namespace scratch
  deploy_yaml inns 1 | kubectl apply -n scratch -f -
  kubectl rollout status -n scratch deployment/inns --timeout=60s
  kubectl delete namespace scratch --wait=true --timeout=90s
  if kubectl get namespace scratch >/dev/null 2>&1; then echo "namespace scratch still exists"; return 1; fi
}

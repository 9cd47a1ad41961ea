# Conformance: test/e2e/apps/job.go (sig-apps Job).

# job_yaml NAME PARALLELISM COMPLETIONS RESTART 'COMMAND' [SPEC-EXTRA] [POD-EXTRA] [CONTAINER-EXTRA]
job_yaml() {
  cat <<YAML
apiVersion: batch/v1
kind: Job
metadata:
  name: $1
  labels: {e2e-job: "$1"}
spec:
  parallelism: $2
  completions: $3
  backoffLimit: 6
${6:-}
  template:
    metadata:
      labels: {e2e-job: "$1"}
    spec:
      terminationGracePeriodSeconds: 1
      restartPolicy: $4
${7:-}
      containers:
      - name: c
        image: $IMG
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "$5"]
${8:-}
YAML
}

# job_wait_condition JOB TYPE [seconds]: the Job's condition TYPE is True.
job_wait_condition() {
  apps_wait "job/$1" "{.status.conditions[?(@.type==\"$2\")].status}" True "${3:-90}"
}

# job_active_pods JOB: names of the Job's running, not terminating pods.
job_active_pods() {
  kubectl get pods -l "job-name=$1" -o json |
    jq -r '.items[] | select(.metadata.deletionTimestamp == null and .status.phase == "Running") | .metadata.name'
}

# [sig-apps] Job should adopt matching orphans and release non-matching pods: a pod stripped of
# its ownerReference is adopted again; a pod whose labels no longer match is released.
t_sig_apps_job_should_adopt_matching_orphans_and_release_non_matching_pods() {
  job_yaml adopt-release 2 2 Never 'sleep 3600' | kubectl apply -f - >/dev/null
  local uid; uid="$(kubectl get job adopt-release -o jsonpath='{.metadata.uid}')"
  eventually 60 sh -c "[ \"\$(kubectl get pods -l job-name=adopt-release --field-selector=status.phase=Running --no-headers | wc -l)\" = 2 ]"
  local pod; pod="$(job_active_pods adopt-release | head -1)"
  kubectl patch pod "$pod" --type=json -p '[{"op":"remove","path":"/metadata/ownerReferences"}]' >/dev/null
  wait_jsonpath "$pod" '{.metadata.ownerReferences[?(@.controller==true)].uid}' "$uid"
  # Release: drop every label the selector matches on.
  kubectl label pod "$pod" batch.kubernetes.io/controller-uid- controller-uid- job-name- batch.kubernetes.io/job-name- >/dev/null
  wait_jsonpath "$pod" '{.metadata.ownerReferences}' ""
  expect_eq "$(kubectl get pod "$pod" -o jsonpath='{.status.phase}')" Running
}

# [sig-apps] Job should apply changes to a job status: patch (with an annotation) and replace
# jobs/status, then read it back.
t_sig_apps_job_should_apply_changes_to_a_job_status() {
  job_yaml status-job 1 1 Never 'sleep 3600' | kubectl apply -f - >/dev/null
  apps_wait job/status-job '{.status.active}' 1
  local now; now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  kubectl patch job status-job --subresource=status --type=merge \
    -p "{\"metadata\":{\"annotations\":{\"patchedstatus\":\"true\"}},\"status\":{\"startTime\":\"$now\"}}" >/dev/null
  expect_eq "$(kubectl get job status-job -o jsonpath='{.metadata.annotations.patchedstatus}')" true
  expect_eq "$(kubectl get job status-job -o jsonpath='{.status.startTime}')" "$now"
  kubectl get job status-job --subresource=status -o json |
    jq '.status.conditions = ((.status.conditions // []) + [{"type":"StatusUpdate","status":"True","reason":"E2E","message":"Set from e2e test","lastProbeTime":"2024-01-01T00:00:00Z","lastTransitionTime":"2024-01-01T00:00:00Z"}])' |
    kubectl replace --subresource=status -f - >/dev/null
  expect_eq "$(kubectl get job status-job --subresource=status -o jsonpath='{.status.conditions[?(@.type=="StatusUpdate")].reason}')" E2E
  expect_eq "$(kubectl get job status-job --subresource=status -o jsonpath='{.kind}/{.metadata.name}')" Job/status-job
}

# [sig-apps] Job should create pods for an Indexed job with completion indexes and specified
# hostname: every index 0..3 succeeds once, its pod has the completion-index annotation, the
# JOB_COMPLETION_INDEX variable and the hostname <job>-<index>.
t_sig_apps_job_should_create_pods_for_an_indexed_job_with_completion_indexes_and_specified_hostname() {
  job_yaml indexed-job 2 4 Never 'echo index=$JOB_COMPLETION_INDEX host=$(hostname)' '  completionMode: Indexed' |
    kubectl apply -f - >/dev/null
  job_wait_condition indexed-job Complete 120
  expect_eq "$(kubectl get job indexed-job -o jsonpath='{.status.completedIndexes}')" 0-3
  local got="" p ix
  for p in $(kubectl get pods -l job-name=indexed-job --field-selector=status.phase=Succeeded -o jsonpath='{.items[*].metadata.name}'); do
    ix="$(kubectl get pod "$p" -o jsonpath='{.metadata.annotations.batch\.kubernetes\.io/job-completion-index}')"
    expect_eq "$(kubectl get pod "$p" -o jsonpath='{.spec.hostname}')" "indexed-job-$ix"
    expect_eq "$(kubectl logs "$p")" "index=$ix host=indexed-job-$ix"
    got+="$ix "
  done
  expect_eq "$(tr ' ' '\n' <<<"$got" | sed '/^$/d' | sort -n | tr '\n' ' ')" "0 1 2 3 "
}

# [sig-apps] Job should delete a job: the Job runs `parallelism` pods; deleting it removes the
# Job and its pods.
t_sig_apps_job_should_delete_a_job() {
  job_yaml foo 2 4 Never 'sleep 3600' | kubectl apply -f - >/dev/null
  eventually 60 sh -c "[ \"\$(kubectl get pods -l job-name=foo --field-selector=status.phase=Running --no-headers | wc -l)\" = 2 ]"
  apps_wait job/foo '{.status.active}' 2
  kubectl delete job foo >/dev/null
  expect_fail kubectl get job foo
  local deadline=$(( SECONDS + 60 ))
  while [ -n "$(kubectl get pods -l job-name=foo -o name)" ]; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "job pods not deleted"; kubectl get pods; return 1; }
    sleep 0.3
  done
}

# [sig-apps] Job should manage the lifecycle of a job: a suspended Job (no pods) is patched with a
# label, replaced with an annotation, found by label across namespaces and removed by a
# deletecollection with that label.
t_sig_apps_job_should_manage_the_lifecycle_of_a_job() {
  job_yaml e2e-job 2 2 Never 'sleep 3600' '  suspend: true' | kubectl apply -f - >/dev/null
  sleep 1
  expect_eq "$(kubectl get pods -l job-name=e2e-job -o name)" ""
  job_wait_condition e2e-job Suspended 30
  kubectl patch job e2e-job --type=merge -p '{"metadata":{"labels":{"e2e-job-label":"patched"}}}' >/dev/null
  expect_eq "$(kubectl get job e2e-job -o jsonpath='{.metadata.labels.e2e-job-label}')" patched
  kubectl get job e2e-job -o json | jq '.metadata.annotations.updated = "true"' | kubectl replace -f - >/dev/null
  expect_eq "$(kubectl get job e2e-job -o jsonpath='{.metadata.annotations.updated}')" true
  expect_eq "$(kubectl get jobs -A -l e2e-job-label=patched -o jsonpath='{.items[*].metadata.name}')" e2e-job
  local out; out="$(api DELETE "/apis/batch/v1/namespaces/$NS/jobs?labelSelector=e2e-job-label%3Dpatched")"
  expect_eq "$(jq -r .kind <<<"$out")" JobList
  eventually 30 sh -c '[ -z "$(kubectl get jobs -l e2e-job-label=patched -o name)" ]'
}

# [sig-apps] Job should run a job to completion when tasks sometimes fail and are locally
# restarted: with restartPolicy OnFailure each pod's first run fails, the kubelet restarts the
# container in place (the emptyDir marker survives) and the Job completes.
t_sig_apps_job_should_run_a_job_to_completion_when_tasks_sometimes_fail_and_are_locally_restarted() {
  job_yaml fail-once-local 2 4 OnFailure 'if [ -f /data/foo ]; then exit 0; else touch /data/foo; exit 1; fi' '' \
    '      volumes: [{name: data, emptyDir: {}}]' '        volumeMounts: [{name: data, mountPath: /data}]' |
    kubectl apply -f - >/dev/null
  job_wait_condition fail-once-local Complete 150
  expect_eq "$(kubectl get job fail-once-local -o jsonpath='{.status.succeeded}')" 4
  # The failures were local restarts, not new pods.
  local r
  for r in $(kubectl get pods -l job-name=fail-once-local -o jsonpath='{.items[*].status.containerStatuses[0].restartCount}'); do
    [ "$r" -ge 1 ] || { echo "pod without a local restart"; kubectl get pods -l job-name=fail-once-local -o wide; return 1; }
  done
}

# pfp_job NAME 'COMMAND' 'RULES-YAML': an Indexed Job (parallelism 2, completions 2,
# backoffLimit 0, restartPolicy Never) with the podFailurePolicy RULES; /m is a host directory
# that outlives the pods (the marker files of the upstream "notTerminateOnce" pods).
pfp_job() {
  mkdir -p "$PWD/markers"
  cat <<YAML
apiVersion: batch/v1
kind: Job
metadata: {name: $1}
spec:
  completionMode: Indexed
  parallelism: 2
  completions: 2
  backoffLimit: 0
  podFailurePolicy:
    rules:
$3
  template:
    spec:
      terminationGracePeriodSeconds: 1
      restartPolicy: Never
      volumes: [{name: m, hostPath: {path: "$PWD/markers", type: Directory}}]
      containers:
      - name: c
        image: $IMG
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "$2"]
        volumeMounts: [{name: m, mountPath: /m}]
YAML
}

# [sig-apps] Job should allow to use a pod failure policy to ignore failure matching on
# DisruptionTarget condition: every index's first pod runs until it is evicted (the eviction
# adds DisruptionTarget=True); with backoffLimit 0 the Job would fail, but the Ignore rule keeps
# those failures uncounted and the replacements (which find their marker) succeed.
t_sig_apps_job_should_allow_to_use_a_pod_failure_policy_to_ignore_failure_matching_on_disruptiontarget_condition() {
  pfp_job evict-ignore 'if [ -f /m/done-$JOB_COMPLETION_INDEX ]; then exit 0; fi; touch /m/done-$JOB_COMPLETION_INDEX; sleep 3600' \
    '    - {action: Ignore, onPodConditions: [{type: DisruptionTarget}]}' | kubectl apply -f - >/dev/null
  eventually 90 sh -c '[ "$(kubectl get pods -l job-name=evict-ignore --field-selector=status.phase=Running --no-headers | wc -l)" = 2 ]'
  eventually 30 sh -c "[ -f '$PWD/markers/done-0' ] && [ -f '$PWD/markers/done-1' ]"
  local pod code
  for pod in $(job_active_pods evict-ignore); do
    code="$(api POST "/api/v1/namespaces/$NS/pods/$pod/eviction" -H 'Content-Type: application/json' -o /dev/null -w '%{http_code}' \
      -d "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"$pod\",\"namespace\":\"$NS\"}}")"
    expect_eq "$code" 201
  done
  job_wait_condition evict-ignore Complete 120 || { kubectl get pods -l job-name=evict-ignore -o yaml | grep -vE '^ +(f:|manager|operation|time|fieldsType)'; return 1; }
  expect_eq "$(kubectl get job evict-ignore -o jsonpath='{.status.succeeded}/{.status.failed}')" "2/"
  expect_eq "$(kubectl get job evict-ignore -o jsonpath='{.status.completedIndexes}')" "0-1"
}

# [sig-apps] Job should allow to use the pod failure policy on exit code to fail the job early:
# index 1 exits 1, which a FailJob rule matches: the Job fails at once (reason PodFailurePolicy),
# its other pod is deleted, and only the one failure is counted.
t_sig_apps_job_should_allow_to_use_the_pod_failure_policy_on_exit_code_to_fail_the_job_early() {
  pfp_job fail-early 'if [ $JOB_COMPLETION_INDEX = 1 ]; then exit 1; fi; sleep 3600' \
    '    - {action: FailJob, onExitCodes: {containerName: c, operator: In, values: [1]}}' | kubectl apply -f - >/dev/null
  job_wait_condition fail-early Failed 90
  expect_eq "$(kubectl get job fail-early -o jsonpath='{.status.conditions[?(@.type=="Failed")].reason}')" PodFailurePolicy
  local msg; msg="$(kubectl get job fail-early -o jsonpath='{.status.conditions[?(@.type=="Failed")].message}')"
  expect_match "$msg" "^Container c for pod $NS/fail-early-1-[a-z0-9]+ failed with exit code 1 matching FailJob rule at index 0$"
  expect_eq "$(kubectl get job fail-early -o jsonpath='{.status.failed}')" 1
  eventually 60 sh -c '[ -z "$(kubectl get pods -l job-name=fail-early --field-selector=status.phase=Running -o name)" ]'
}

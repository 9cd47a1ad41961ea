# Conformance: test/e2e/apps/cronjob.go (sig-apps CronJob). The schedules are the upstream
# "*/1 * * * ?" (every minute), so the scheduling tests take one or two real minute boundaries:
# up to ~65 s (suspend) and ~130 s (Allow, Forbid, Replace). They only wait, so they run in
# parallel with the rest.

# cron_yaml NAME POLICY [SPEC-EXTRA] [COMMAND]: a CronJob every minute whose Job runs COMMAND
# (default: a long sleep).
cron_yaml() {
  cat <<YAML
apiVersion: batch/v1
kind: CronJob
metadata:
  name: $1
  labels: {e2e-cronjob: "$1"}
spec:
  schedule: "*/1 * * * ?"
  concurrencyPolicy: $2
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 1
${3:-}
  jobTemplate:
    spec:
      parallelism: 1
      completions: 1
      backoffLimit: 6
      template:
        spec:
          restartPolicy: OnFailure
          terminationGracePeriodSeconds: 1
          containers:
          - name: c
            image: $IMG
            imagePullPolicy: IfNotPresent
            command: ["sh", "-c", "${4:-sleep 3600}"]
YAML
}

# cron_active_jobs CRONJOB: names of the unfinished, not terminating Jobs the CronJob owns.
cron_active_jobs() {
  local uid; uid="$(kubectl get cronjob "$1" -o jsonpath='{.metadata.uid}')"
  kubectl get jobs -o json | jq -r --arg uid "$uid" '.items[]
    | select(any(.metadata.ownerReferences[]?; .uid == $uid))
    | select(.metadata.deletionTimestamp == null)
    | select(all(.status.conditions[]?; (.type != "Complete" and .type != "Failed") or .status != "True"))
    | .metadata.name' | sort
}

# cron_wait_active CRONJOB N [seconds]: at least N active Jobs (and as many in status.active).
cron_wait_active() {
  local deadline=$(( SECONDS + ${3:-75} )) n m
  while :; do
    n="$(cron_active_jobs "$1" | sed '/^$/d' | wc -l)"
    m="$(kubectl get cronjob "$1" -o json | jq '.status.active // [] | length')"
    [ "$n" -ge "$2" ] && [ "$m" -ge "$2" ] && return 0
    [ "$SECONDS" -ge "$deadline" ] && { echo "cronjob $1: $n active jobs ($m in status), wanted $2"; kubectl get jobs,cronjobs -o wide; return 1; }
    sleep 0.5
  done
}

# cron_past_next_minute: wait until 3 s after the next minute boundary.
cron_past_next_minute() {
  local s; s="$(date +%-S)"
  sleep $(( 60 - s + 3 ))
}

# [sig-apps] CronJob should schedule multiple jobs concurrently: with Allow, the Job of the next
# minute starts while the previous one still runs.
t_sig_apps_cronjob_should_schedule_multiple_jobs_concurrently() {
  cron_yaml concurrent Allow | kubectl apply -f - >/dev/null
  cron_wait_active concurrent 2 140
  expect_eq "$(kubectl get cronjob concurrent -o jsonpath='{.status.lastScheduleTime}' | grep -c Z)" 1
}

# [sig-apps] CronJob should not schedule jobs when suspended: a suspended CronJob creates no Job
# across a schedule time.
t_sig_apps_cronjob_should_not_schedule_jobs_when_suspended() {
  cron_yaml suspended Allow '  suspend: true' | kubectl apply -f - >/dev/null
  cron_past_next_minute
  expect_eq "$(kubectl get jobs -o name)" ""
  expect_eq "$(kubectl get cronjob suspended -o jsonpath='{.status.active}{.status.lastScheduleTime}')" ""
}

# [sig-apps] CronJob should not schedule new jobs when ForbidConcurrent: with Forbid, while the
# first Job runs no second one starts at the next schedule time.
t_sig_apps_cronjob_should_not_schedule_new_jobs_when_forbidconcurrent() {
  cron_yaml forbid Forbid | kubectl apply -f - >/dev/null
  cron_wait_active forbid 1
  local first; first="$(cron_active_jobs forbid)"
  cron_past_next_minute
  expect_eq "$(kubectl get jobs -o jsonpath='{.items[*].metadata.name}')" "$first"
  expect_eq "$(kubectl get cronjob forbid -o jsonpath='{.status.active[*].name}')" "$first"
}

# [sig-apps] CronJob should replace jobs when ReplaceConcurrent: with Replace, the next schedule
# time deletes the running Job and starts a new one; only one stays active.
t_sig_apps_cronjob_should_replace_jobs_when_replaceconcurrent() {
  cron_yaml replace Replace | kubectl apply -f - >/dev/null
  cron_wait_active replace 1
  local first; first="$(cron_active_jobs replace)"
  local deadline=$(( SECONDS + 75 )) now
  while :; do
    now="$(cron_active_jobs replace)"
    [ -n "$now" ] && [ "$now" != "$first" ] && break
    [ "$SECONDS" -ge "$deadline" ] && { echo "job $first never replaced"; kubectl get jobs -o wide; return 1; }
    sleep 0.5
  done
  expect_eq "$(wc -l <<<"$now")" 1
  eventually 30 sh -c "! kubectl get job '$first' >/dev/null 2>&1"
  expect_eq "$(kubectl get cronjob replace -o jsonpath='{.status.active[*].name}')" "$now"
}

# [sig-apps] CronJob should support CronJob API operations: create, get, list (namespace and all
# namespaces), watch, patch, update, status get/update/patch, delete and deletecollection.
t_sig_apps_cronjob_should_support_cronjob_api_operations() {
  cron_yaml e2e-api Forbid '  suspend: true' | kubectl apply -f - >/dev/null
  cron_yaml e2e-api2 Forbid '  suspend: true' | sed 's/e2e-cronjob: "e2e-api2"/e2e-cronjob: "e2e-api"/' | kubectl apply -f - >/dev/null
  expect_eq "$(kubectl get cronjob e2e-api -o jsonpath='{.spec.concurrencyPolicy}')" Forbid
  expect_eq "$(kubectl get cronjobs -l e2e-cronjob=e2e-api --no-headers | wc -l)" 2
  expect_eq "$(kubectl get cronjobs -A -l e2e-cronjob=e2e-api --no-headers | wc -l)" 2
  apps_watch_start cj.watch "/apis/batch/v1/namespaces/$NS/cronjobs?labelSelector=e2e-cronjob%3De2e-api"
  kubectl patch cronjob e2e-api --type=merge -p '{"metadata":{"annotations":{"patched":"true"}}}' >/dev/null
  expect_eq "$(kubectl get cronjob e2e-api -o jsonpath='{.metadata.annotations.patched}')" true
  eventually 20 grep -q '"patched"' cj.watch
  apps_watch_stop
  kubectl get cronjob e2e-api -o json | jq '.metadata.annotations.updated = "true"' | kubectl replace -f - >/dev/null
  expect_eq "$(kubectl get cronjob e2e-api -o jsonpath='{.metadata.annotations.updated}')" true
  # Status subresource: get, update, patch.
  expect_eq "$(kubectl get cronjob e2e-api --subresource=status -o jsonpath='{.kind}')" CronJob
  local t1 t2
  t1="$(date -u -d '-2 min' +%Y-%m-%dT%H:%M:00Z)"; t2="$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:00Z)"
  kubectl get cronjob e2e-api --subresource=status -o json | jq --arg t "$t1" '.status.lastScheduleTime = $t' |
    kubectl replace --subresource=status -f - >/dev/null
  expect_eq "$(kubectl get cronjob e2e-api --subresource=status -o jsonpath='{.status.lastScheduleTime}')" "$t1"
  kubectl patch cronjob e2e-api --subresource=status --type=merge \
    -p "{\"metadata\":{\"annotations\":{\"patchedstatus\":\"true\"}},\"status\":{\"lastScheduleTime\":\"$t2\"}}" >/dev/null
  expect_eq "$(kubectl get cronjob e2e-api -o jsonpath='{.status.lastScheduleTime}/{.metadata.annotations.patchedstatus}')" "$t2/true"
  # Delete one, then the rest by collection.
  kubectl delete cronjob e2e-api >/dev/null
  expect_fail kubectl get cronjob e2e-api
  local out; out="$(api DELETE "/apis/batch/v1/namespaces/$NS/cronjobs?labelSelector=e2e-cronjob%3De2e-api")"
  expect_eq "$(jq -r .kind <<<"$out")" CronJobList
  eventually 20 sh -c '[ -z "$(kubectl get cronjobs -o name)" ]'
}

# Conformance: test/e2e/apimachinery/watch.go (sig-api-machinery Watchers). Watches are raw
# HTTP streams (curl) on configmaps of the test namespace, closed by timeoutSeconds.

# watch_bg OUT QUERY [SECONDS]: a watch of the namespace's configmaps in the background, its raw
# stream in OUT.raw; sets WATCH_PID (the curl). watch_end OUT [N] [SECONDS] ends it.
watch_bg() {
  curl -sk -N -H "Authorization: Bearer $E2E_TOKEN" -o "$1.raw" \
    "$E2E_URL/api/v1/namespaces/$NS/configmaps?watch=1&timeoutSeconds=${3:-60}&$2" &
  WATCH_PID=$!
}
# watch_count OUT: events so far (bookmarks excluded).
watch_count() { grep -c '"type":"\(ADDED\|MODIFIED\|DELETED\|ERROR\)"' "$1.raw" 2>/dev/null || true; }
# watch_end OUT PID [N] [SECONDS]: waits until N events arrived (or the deadline), gives late
# extras half a second to show up, stops the watch and writes "TYPE NAME RV" lines to OUT.
watch_end() {
  local deadline=$(( SECONDS + ${4:-20} ))
  if [ -n "${3:-}" ]; then
    while [ "$(watch_count "$1")" -lt "$3" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    sleep 0.5
    kill "$2" 2>/dev/null || true
  fi
  wait "$2" 2>/dev/null || true
  jq -r 'select(.type != "BOOKMARK") | "\(.type) \(.object.metadata.name) \(.object.metadata.resourceVersion)"' <"$1.raw" >"$1"
}
# watch_list_rv: the resourceVersion of a fresh list of the namespace's configmaps.
watch_list_rv() { kubectl get --raw "/api/v1/namespaces/$NS/configmaps" | jq -r .metadata.resourceVersion; }
# watch_types FILE [NAME]: the event types in FILE (only NAME's), space-separated.
watch_types() { awk -v n="${2:-}" 'n=="" || $2==n {printf "%s%s", s, $1; s=" "}' "$1"; }
# watch_cm_rv NAME: the configmap's current resourceVersion.
watch_cm_rv() { kubectl get configmap "$1" -o jsonpath='{.metadata.resourceVersion}'; }

# [sig-api-machinery] Watchers should observe add, update, and delete watch notifications on
# configmaps: three label-selected watches each see exactly the events of the configmaps they select.
t_sig_api_machinery_watchers_should_observe_add_update_and_delete_watch_notifications_on_configmaps() {
  local rv pa pb pab
  rv="$(watch_list_rv)"
  watch_bg a.txt "resourceVersion=$rv&labelSelector=watch-this-configmap%3Dmulti-watch-a"; pa=$WATCH_PID
  watch_bg b.txt "resourceVersion=$rv&labelSelector=watch-this-configmap%3Dmulti-watch-b"; pb=$WATCH_PID
  watch_bg ab.txt "resourceVersion=$rv&labelSelector=watch-this-configmap%20in%20(multi-watch-a,multi-watch-b)"; pab=$WATCH_PID
  sleep 0.5   # let the streams open (they replay from $rv anyway)
  kubectl create configmap cm-a >/dev/null
  kubectl label configmap cm-a watch-this-configmap=multi-watch-a >/dev/null  # ADDED for the watches
  kubectl patch configmap cm-a -p '{"data":{"mutation":"1"}}' >/dev/null
  kubectl patch configmap cm-a -p '{"data":{"mutation":"2"}}' >/dev/null
  kubectl delete configmap cm-a >/dev/null
  kubectl create configmap cm-b >/dev/null
  kubectl label configmap cm-b watch-this-configmap=multi-watch-b >/dev/null
  kubectl delete configmap cm-b >/dev/null
  kubectl create configmap cm-none >/dev/null
  watch_end a.txt "$pa" 4; watch_end b.txt "$pb" 2; watch_end ab.txt "$pab" 6
  expect_eq "$(watch_types a.txt)" "ADDED MODIFIED MODIFIED DELETED"
  expect_eq "$(watch_types a.txt cm-a)" "ADDED MODIFIED MODIFIED DELETED"
  expect_eq "$(watch_types b.txt)" "ADDED DELETED"
  expect_eq "$(watch_types b.txt cm-b)" "ADDED DELETED"
  expect_eq "$(watch_types ab.txt)" "ADDED MODIFIED MODIFIED DELETED ADDED DELETED"
}

# [sig-api-machinery] Watchers should be able to start watching from a specific resource version:
# a watch from the first update's resourceVersion sees only the later update and the deletion.
t_sig_api_machinery_watchers_should_be_able_to_start_watching_from_a_specific_resource_version() {
  local rv1
  kubectl create configmap cm-rv >/dev/null
  kubectl patch configmap cm-rv -p '{"data":{"mutation":"1"}}' >/dev/null
  rv1="$(watch_cm_rv cm-rv)"
  kubectl patch configmap cm-rv -p '{"data":{"mutation":"2"}}' >/dev/null
  kubectl delete configmap cm-rv >/dev/null
  watch_bg w.txt "resourceVersion=$rv1"; watch_end w.txt "$WATCH_PID" 2
  expect_eq "$(watch_types w.txt)" "MODIFIED DELETED"
  # the MODIFIED event carries the second mutation
  api GET "/api/v1/namespaces/$NS/configmaps?watch=1&timeoutSeconds=1&resourceVersion=$rv1" -N |
    jq -r 'select(.type=="MODIFIED") | .object.data.mutation' >m.txt
  expect_eq "$(cat m.txt)" 2
}

# [sig-api-machinery] Watchers should be able to restart watching from the last resource version
# observed by the previous watch: a closed watch reopened from its last seen resourceVersion gets
# exactly the changes made while it was closed.
t_sig_api_machinery_watchers_should_be_able_to_restart_watching_from_the_last_resource_version_observed_by_the_previous_watch() {
  local rv last
  rv="$(watch_list_rv)"
  watch_bg first.txt "resourceVersion=$rv&labelSelector=watch-this-configmap%3Dwatch-closed-and-restarted"
  local p=$WATCH_PID
  sleep 0.5
  kubectl create configmap cm-r >/dev/null
  kubectl label configmap cm-r watch-this-configmap=watch-closed-and-restarted >/dev/null
  kubectl patch configmap cm-r -p '{"data":{"mutation":"1"}}' >/dev/null
  watch_end first.txt "$p" 2
  expect_eq "$(watch_types first.txt)" "ADDED MODIFIED"
  last="$(tail -1 first.txt | cut -d' ' -f3)"
  kubectl patch configmap cm-r -p '{"data":{"mutation":"2"}}' >/dev/null
  kubectl delete configmap cm-r >/dev/null
  watch_bg second.txt "resourceVersion=$last&labelSelector=watch-this-configmap%3Dwatch-closed-and-restarted"
  watch_end second.txt "$WATCH_PID" 2
  expect_eq "$(watch_types second.txt)" "MODIFIED DELETED"
  # nothing observed twice: the restarted watch begins after the last seen version
  [ "$(head -1 second.txt | cut -d' ' -f3)" -gt "$last" ]
}

# [sig-api-machinery] Watchers should observe an object deletion if it stops meeting the
# requirements of the selector: relabelling away is a DELETED, changes while unselected are not
# seen, relabelling back is an ADDED.
t_sig_api_machinery_watchers_should_observe_an_object_deletion_if_it_stops_meeting_the_requirements_of_the_selector() {
  local rv
  rv="$(watch_list_rv)"
  watch_bg w.txt "resourceVersion=$rv&labelSelector=watch-this-configmap%3Dlabel-changed-and-restored"
  local p=$WATCH_PID
  sleep 0.5
  kubectl create configmap cm-s >/dev/null
  kubectl label configmap cm-s watch-this-configmap=label-changed-and-restored >/dev/null
  kubectl patch configmap cm-s -p '{"data":{"mutation":"1"}}' >/dev/null
  kubectl label --overwrite configmap cm-s watch-this-configmap=wrong-value >/dev/null
  kubectl patch configmap cm-s -p '{"data":{"mutation":"2"}}' >/dev/null
  kubectl label --overwrite configmap cm-s watch-this-configmap=label-changed-and-restored >/dev/null
  kubectl patch configmap cm-s -p '{"data":{"mutation":"3"}}' >/dev/null
  kubectl delete configmap cm-s >/dev/null
  watch_end w.txt "$p" 6
  expect_eq "$(watch_types w.txt)" "ADDED MODIFIED DELETED ADDED MODIFIED DELETED"
}

# [sig-api-machinery] Watchers should receive events on concurrent watches in same order: while a
# background writer churns configmaps, watches opened mid-way (from the list resourceVersion of
# that moment) see the same events in the same order as a watch over the whole period.
t_sig_api_machinery_watchers_should_receive_events_on_concurrent_watches_in_same_order() {
  local rv i
  rv="$(watch_list_rv)"
  (
    # raw API calls (fast): each round creates one configmap, updates the previous, deletes the one before
    local base="/api/v1/namespaces/$NS/configmaps"
    for i in $(seq 1 30); do
      api POST "$base" -H 'Content-Type: application/json' -o /dev/null \
        -d "{\"metadata\":{\"name\":\"c-$i\"},\"data\":{\"i\":\"$i\"}}"
      [ "$i" -gt 1 ] && api PATCH "$base/c-$((i - 1))" -H 'Content-Type: application/merge-patch+json' -o /dev/null \
        -d "{\"data\":{\"updated\":\"$i\"}}"
      [ "$i" -gt 2 ] && api DELETE "$base/c-$((i - 2))" -o /dev/null
      sleep 0.05
    done
  ) &
  local writer=$!
  local pids=() k=1
  while kill -0 "$writer" 2>/dev/null && [ "$k" -le 6 ]; do
    sleep 0.3
    watch_list_rv >"start-$k"
    watch_bg "w$k.txt" "resourceVersion=$(cat "start-$k")"; pids+=("$WATCH_PID"); k=$((k + 1))
  done
  wait "$writer"
  kubectl create configmap zz-end >/dev/null   # a marker: every watch reads up to it
  # the reference: one watch over the whole period (replayed from the first version)
  watch_bg w0.txt "resourceVersion=$rv"
  local p0=$WATCH_PID deadline
  for ((i = 0; i < k; i++)); do
    deadline=$(( SECONDS + 20 ))
    until grep -q '"name":"zz-end"' "w$i.txt.raw" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.1; done
    if [ "$i" -eq 0 ]; then watch_end w0.txt "$p0" 0; else watch_end "w$i.txt" "${pids[$((i - 1))]}" 0; fi
  done
  local n0 n; n0="$(wc -l <w0.txt)"
  [ "$n0" -ge 20 ] || { echo "the reference watch saw only $n0 events"; return 1; }
  [ "${#pids[@]}" -ge 2 ] || { echo "only ${#pids[@]} concurrent watches started"; return 1; }
  for ((i = 1; i < k; i++)); do
    # watch i must have seen exactly the reference's events after its start version, in order
    awk -v s="$(cat "start-$i")" '$3 > s' w0.txt >expect.txt
    if ! diff -u expect.txt "w$i.txt"; then echo "watch $i differs from the reference"; return 1; fi
  done
}

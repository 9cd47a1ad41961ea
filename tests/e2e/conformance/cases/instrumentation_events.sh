# Conformance: test/e2e/instrumentation/events.go (sig-instrumentation Events API,
# events.k8s.io/v1).

# evv1_yaml NAME [LABELS-INLINE]: an events.k8s.io/v1 Event about a pod of the test namespace.
evv1_yaml() {
  cat <<YAML
apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: $1, labels: {${2:-}}}
eventTime: "2024-01-01T10:00:00.000000Z"
regarding: {kind: Pod, name: some-pod, namespace: $NS, apiVersion: v1}
reason: Testing
note: "This is $1"
action: Do
type: Normal
reportingController: test-controller
reportingInstance: test-node
YAML
}

# [sig-instrumentation] Events API should delete a collection of events: three labelled events
# exist, and are gone after a deletecollection with their label selector.
t_sig_instrumentation_events_api_should_delete_a_collection_of_events() {
  local i
  for i in 1 2 3; do evv1_yaml "ev-set-$i" 'testevent-set: "true"' | kubectl create -f - >/dev/null; done
  evv1_yaml ev-other | kubectl create -f - >/dev/null
  expect_eq "$(kubectl get events.v1.events.k8s.io -l testevent-set=true -o name | wc -l)" 3
  kubectl delete --raw "/apis/events.k8s.io/v1/namespaces/$NS/events?labelSelector=testevent-set%3Dtrue" >/dev/null
  expect_eq "$(kubectl get events.v1.events.k8s.io -l testevent-set=true -o name)" ""
  expect_eq "$(kubectl get events.v1.events.k8s.io -o name)" "event.events.k8s.io/ev-other"
}

# [sig-instrumentation] Events API should ensure that an event can be fetched, patched, deleted,
# and listed: create, get, patch the note, update with a series, list across namespaces, delete.
t_sig_instrumentation_events_api_should_ensure_that_an_event_can_be_fetched_patched_deleted_and_listed() {
  local ev r=events.v1.events.k8s.io
  evv1_yaml ev-life "testevent-constant: \"$NS\"" | kubectl create -f - >/dev/null
  ev="$(kubectl get $r ev-life -o json)"
  expect_eq "$(jq -r .note <<<"$ev")" "This is ev-life"
  expect_eq "$(jq -r .regarding.name <<<"$ev")" some-pod
  expect_eq "$(jq -r .reportingController <<<"$ev")" test-controller
  # the same object through the core API: a core/v1 Event, found by its reporting controller
  expect_eq "$(kubectl get events.v1. --field-selector source=test-controller -o jsonpath='{.items[*].metadata.name}')" ev-life
  expect_eq "$(kubectl get events.v1. ev-life -o jsonpath='{.message}')" "This is ev-life"
  expect_eq "$(kubectl get $r --field-selector reportingController=test-controller -o jsonpath='{.items[*].metadata.name}')" ev-life
  kubectl patch $r ev-life --type=merge -p '{"note":"This is a test event - patched"}' >/dev/null
  expect_eq "$(kubectl get $r ev-life -o jsonpath='{.note}')" "This is a test event - patched"
  # a strategic merge patch adding a series
  kubectl patch $r ev-life -p '{"series":{"count":2,"lastObservedTime":"2024-01-01T10:04:00.000000Z"}}' >/dev/null
  expect_eq "$(kubectl get $r ev-life -o jsonpath='{.series.count}')" 2
  jq '.series={"count":100,"lastObservedTime":"2024-01-01T10:05:00.000000Z"}' <<<"$(kubectl get $r ev-life -o json)" |
    kubectl replace -f - >/dev/null
  ev="$(kubectl get $r ev-life -o json)"
  expect_eq "$(jq -r .series.count <<<"$ev")" 100
  expect_eq "$(kubectl get $r -A -l "testevent-constant=$NS" -o jsonpath='{.items[*].metadata.name}')" ev-life
  # invalid: an events.k8s.io event needs eventTime and a reporting controller
  expect_fail kubectl create -f - <<YAML
apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: ev-bad}
reason: Testing
type: Normal
YAML
  expect_contains "$OUT" eventTime
  kubectl delete $r ev-life >/dev/null
  expect_eq "$(kubectl get $r -A -l "testevent-constant=$NS" -o name)" ""
}

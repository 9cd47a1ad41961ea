# Conformance: test/e2e/instrumentation/core_events.go (sig-instrumentation Events, core/v1).

# coreev_yaml NAME [LABELS-INLINE]: a core/v1 Event about a pod of the test namespace.
coreev_yaml() {
  cat <<YAML
apiVersion: v1
kind: Event
metadata: {name: $1, labels: {${2:-}}}
involvedObject: {kind: Pod, name: some-pod, namespace: $NS, apiVersion: v1}
reason: Testing
message: "This is $1"
type: Normal
count: 1
firstTimestamp: "2024-01-01T10:00:00Z"
lastTimestamp: "2024-01-01T10:00:00Z"
source: {component: e2e-test}
YAML
}

# [sig-instrumentation] Events should delete a collection of events: three labelled events are
# listed by their label and are all gone after a deletecollection with that label selector.
t_sig_instrumentation_events_should_delete_a_collection_of_events() {
  local i
  for i in 1 2 3; do coreev_yaml "ev-set-$i" 'testevent-set: "true"' | kubectl create -f - >/dev/null; done
  coreev_yaml ev-other | kubectl create -f - >/dev/null
  expect_eq "$(kubectl get events.v1. -l testevent-set=true -o name | wc -l)" 3
  kubectl delete --raw "/api/v1/namespaces/$NS/events?labelSelector=testevent-set%3Dtrue" >/dev/null
  expect_eq "$(kubectl get events.v1. -l testevent-set=true -o name)" ""
  expect_eq "$(kubectl get events.v1. -o name)" "event/ev-other"
}

# [sig-instrumentation] Events should manage the lifecycle of an event: create, find it by label
# across all namespaces, patch its message, update it with a series, delete it.
t_sig_instrumentation_events_should_manage_the_lifecycle_of_an_event() {
  local ev
  coreev_yaml ev-life "testevent-constant: \"$NS\"" | kubectl create -f - >/dev/null
  expect_eq "$(kubectl get events.v1. -A -l "testevent-constant=$NS" -o jsonpath='{.items[*].metadata.name}')" ev-life
  kubectl patch events.v1. ev-life -p '{"message":"This is a test event - patched"}' >/dev/null
  expect_eq "$(kubectl get events.v1. ev-life -o jsonpath='{.message}')" "This is a test event - patched"
  ev="$(kubectl get events.v1. ev-life -o json)"
  jq '.series={"count":100,"lastObservedTime":"2024-01-01T10:05:00.000000Z"}' <<<"$ev" | kubectl replace -f - >/dev/null
  ev="$(kubectl get events.v1. ev-life -o json)"
  expect_eq "$(jq -r .series.count <<<"$ev")" 100
  expect_match "$(jq -r .series.lastObservedTime <<<"$ev")" '^2024-01-01T10:05:00'
  kubectl delete events.v1. ev-life >/dev/null
  expect_eq "$(kubectl get events.v1. -A -l "testevent-constant=$NS" -o name)" ""
}

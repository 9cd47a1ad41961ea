# Conformance: test/e2e/apps/controller_revision.go (sig-apps ControllerRevision). Uses the
# apps_* helpers of apps_deployment.sh.

# cr_names SELECTOR: names of the ControllerRevisions matching SELECTOR, space separated.
cr_names() { kubectl get controllerrevisions -l "$1" -o jsonpath='{.items[*].metadata.name}'; }
cr_count() { kubectl get controllerrevisions -l "$1" --no-headers 2>/dev/null | wc -l; }

# [sig-apps] ControllerRevision should manage the lifecycle of a ControllerRevision: the
# DaemonSet's revision is listed, patched, a second one created, deleted, updated, the DaemonSet
# update adds revision 3, and a deletecollection by label removes the one created by hand.
t_sig_apps_controllerrevision_should_manage_the_lifecycle_of_a_controllerrevision() {
  local sel="daemonset-name=e2e-cr-ds"
  apps_workload DaemonSet e2e-cr-ds 0 "daemonset-name: e2e-cr-ds" | kubectl apply -f - >/dev/null
  eventually 60 sh -c "[ \"\$(kubectl get ds e2e-cr-ds -o jsonpath='{.status.numberReady}')\" = 1 ]"
  eventually 20 sh -c "[ \"\$(kubectl get controllerrevisions -l $sel --no-headers | wc -l)\" = 1 ]"
  local initial; initial="$(cr_names "$sel")"
  local ds_uid; ds_uid="$(kubectl get ds e2e-cr-ds -o jsonpath='{.metadata.uid}')"
  expect_eq "$(kubectl get controllerrevision "$initial" -o jsonpath='{.metadata.ownerReferences[0].uid}')" "$ds_uid"
  expect_eq "$(kubectl get controllerrevision "$initial" -o jsonpath='{.revision}')" 1
  # Patch a label onto it.
  kubectl patch controllerrevision "$initial" --type=merge -p '{"metadata":{"labels":{"e2e":"patched"}}}' >/dev/null
  expect_eq "$(kubectl get controllerrevision "$initial" -o jsonpath='{.metadata.labels.e2e}')" patched
  # Create a second revision by hand: same data, revision 2, owned by the DaemonSet.
  kubectl get controllerrevision "$initial" -o json | jq --arg n "e2e-$NS-rev" \
    '{apiVersion, kind, metadata: {name: $n, labels: (.metadata.labels | del(.e2e)), ownerReferences: .metadata.ownerReferences}, data, revision: (.revision + 1)}' |
    kubectl create -f - >/dev/null
  expect_eq "$(cr_count "$sel")" 2
  # Delete the first one.
  kubectl delete controllerrevision "$initial" >/dev/null
  expect_eq "$(cr_names "$sel")" "e2e-$NS-rev"
  # Update the remaining one with a label.
  kubectl get controllerrevision "e2e-$NS-rev" -o json | jq '.metadata.labels.e2e = "updated"' |
    kubectl replace -f - >/dev/null
  expect_eq "$(kubectl get controllerrevision "e2e-$NS-rev" -o jsonpath='{.metadata.labels.e2e}')" updated
  # A template change makes the DaemonSet controller add a revision.
  kubectl patch ds e2e-cr-ds --type=merge -p '{"spec":{"template":{"spec":{"terminationGracePeriodSeconds":2}}}}' >/dev/null
  eventually 30 sh -c "[ \"\$(kubectl get controllerrevisions -l $sel --no-headers | wc -l)\" = 2 ]"
  # Delete the hand-made one by collection.
  local out; out="$(api DELETE "/apis/apps/v1/namespaces/$NS/controllerrevisions?labelSelector=e2e%3Dupdated")"
  expect_eq "$(jq -r .kind <<<"$out")" ControllerRevisionList
  eventually 20 sh -c "[ \"\$(kubectl get controllerrevisions -l $sel --no-headers | wc -l)\" = 1 ]"
  local last; last="$(cr_names "$sel")"
  expect_eq "$(kubectl get controllerrevision "$last" -o jsonpath='{.revision}')" 3
  expect_eq "$(kubectl get controllerrevision "$last" -o jsonpath='{.metadata.ownerReferences[0].uid}')" "$ds_uid"
}

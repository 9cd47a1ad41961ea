# Conformance: test/e2e/apimachinery/namespace.go (sig-api-machinery Namespaces). Each test makes
# its own namespace "<NS>-<suffix>" and deletes it on exit, so they can run beside the others.

# ns_make SUFFIX: creates "$NS-SUFFIX" (deleted when the test's shell exits), named in $NS_MADE.
ns_make() {
  NS_MADE="$NS-$1"
  kubectl create namespace "$NS_MADE" >/dev/null
  trap "kubectl delete namespace '$NS_MADE' --wait=false >/dev/null 2>&1 || true" EXIT
}

# [sig-api-machinery] Namespaces should apply a finalizer to a Namespace: a finalizer added
# through namespaces/<n>/finalize is in spec.finalizers; removed the same way it is gone.
t_sig_api_machinery_namespaces_should_apply_a_finalizer_to_a_namespace() {
  local n body
  ns_make fin; n="$NS_MADE"
  body="$(kubectl get namespace "$n" -o json | jq '.spec.finalizers += ["e2e.example.com/fakeFinalizer"]')"
  kubectl replace --raw "/api/v1/namespaces/$n/finalize" -f - <<<"$body" >/dev/null
  expect_contains "$(kubectl get namespace "$n" -o jsonpath='{.spec.finalizers}')" e2e.example.com/fakeFinalizer
  body="$(kubectl get namespace "$n" -o json | jq '.spec.finalizers -= ["e2e.example.com/fakeFinalizer"]')"
  kubectl replace --raw "/api/v1/namespaces/$n/finalize" -f - <<<"$body" >/dev/null
  expect_not_contains "$(kubectl get namespace "$n" -o jsonpath='{.spec.finalizers}')" e2e.example.com/fakeFinalizer
  expect_contains "$(kubectl get namespace "$n" -o jsonpath='{.spec.finalizers}')" kubernetes
}

# [sig-api-machinery] Namespaces should apply an update to a Namespace: a PUT of the namespace
# with a new label succeeds and the label is stored.
t_sig_api_machinery_namespaces_should_apply_an_update_to_a_namespace() {
  local n
  ns_make upd; n="$NS_MADE"
  kubectl get namespace "$n" -o json | jq '.metadata.labels["e2e-update"]="updated"' | kubectl replace -f - >/dev/null
  expect_eq "$(kubectl get namespace "$n" -o jsonpath='{.metadata.labels.e2e-update}')" updated
}

# [sig-api-machinery] Namespaces should apply changes to a namespace status: status is Active;
# a condition patched and then one updated through namespaces/<n>/status are stored.
t_sig_api_machinery_namespaces_should_apply_changes_to_a_namespace_status() {
  local n st
  ns_make st; n="$NS_MADE"
  st="$(kubectl get --raw "/api/v1/namespaces/$n/status")"
  expect_eq "$(jq -r .status.phase <<<"$st")" Active
  kubectl patch namespace "$n" --subresource=status --type=merge \
    -p '{"status":{"conditions":[{"type":"StatusPatch","status":"True","reason":"E2E","message":"Patched by an e2e test"}]}}' >/dev/null
  st="$(kubectl get namespace "$n" -o json)"
  expect_eq "$(jq -r '.status.conditions[] | select(.type=="StatusPatch") | .message' <<<"$st")" "Patched by an e2e test"
  expect_eq "$(jq -r .status.phase <<<"$st")" Active
  jq '.status.conditions += [{"type":"StatusUpdate","status":"True","reason":"E2E","message":"Updated by an e2e test"}]' <<<"$st" |
    kubectl replace --raw "/api/v1/namespaces/$n/status" -f - >/dev/null
  st="$(kubectl get namespace "$n" -o json)"
  expect_eq "$(jq -r '.status.conditions[] | select(.type=="StatusUpdate") | .message' <<<"$st")" "Updated by an e2e test"
  expect_eq "$(jq -r '.status.conditions[] | select(.type=="StatusPatch") | .reason' <<<"$st")" E2E
}

# [sig-api-machinery] Namespaces should patch a Namespace: a merge patch adds a label.
t_sig_api_machinery_namespaces_should_patch_a_namespace() {
  local n
  ns_make patch; n="$NS_MADE"
  kubectl patch namespace "$n" -p '{"metadata":{"labels":{"testLabel":"testValue"}}}' >/dev/null
  expect_eq "$(kubectl get namespace "$n" -o jsonpath='{.metadata.labels.testLabel}')" testValue
}

# [sig-api-machinery] Namespaces should ensure that all pods are removed when a namespace is
# deleted: a running pod goes with its namespace; the namespace recreated under the same name is empty.
t_sig_api_machinery_namespaces_should_ensure_that_all_pods_are_removed_when_a_namespace_is_deleted() {
  local n
  ns_make pods; n="$NS_MADE"
  conf_pod test-pod 'sleep 3600' | kubectl apply -n "$n" -f - >/dev/null
  kubectl wait -n "$n" --for=condition=Ready pod/test-pod --timeout=60s >/dev/null
  kubectl delete namespace "$n" --timeout=90s >/dev/null
  expect_fail kubectl get namespace "$n"
  kubectl create namespace "$n" >/dev/null
  expect_eq "$(kubectl get pods -n "$n" -o name)" ""
}

# [sig-api-machinery] Namespaces should ensure that all services are removed when a namespace is
# deleted: a service goes with its namespace; the namespace recreated under the same name is empty.
t_sig_api_machinery_namespaces_should_ensure_that_all_services_are_removed_when_a_namespace_is_deleted() {
  local n
  ns_make svcs; n="$NS_MADE"
  kubectl create service clusterip test-service -n "$n" --tcp=80:80 >/dev/null
  expect_eq "$(kubectl get service test-service -n "$n" -o jsonpath='{.metadata.name}')" test-service
  kubectl delete namespace "$n" --timeout=60s >/dev/null
  expect_fail kubectl get namespace "$n"
  kubectl create namespace "$n" >/dev/null
  expect_eq "$(kubectl get services -n "$n" -o name)" ""
}

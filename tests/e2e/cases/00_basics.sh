# Basic server facts: version, health, auth, discovery, namespaces.

test_version_reports_1_32() {
  out="$(kubectl version -o json)"
  expect_contains "$out" '"minor": "32"'
  expect_contains "$out" '"gitVersion": "v1.32'
}

test_cluster_info() {
  out="$(kubectl cluster-info)"
  expect_contains "$out" "is running at https://127.0.0.1:$E2E_PORT"
}

test_system_namespaces_exist() {
  out="$(kubectl get namespaces)"
  for ns in default kube-system kube-public kube-node-lease; do
    expect_match "$out" "^$ns +Active"
  done
}

test_bad_credentials_get_401() {
  code="$(curl -sk -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer nope' "$E2E_URL/api/v1/pods")"
  expect_eq "$code" 401
  code="$(curl -sk -o /dev/null -w '%{http_code}' "$E2E_URL/api/v1/pods")"
  expect_eq "$code" 401
  expect_fail kubectl --token=wrong --client-certificate= --client-key= \
    --kubeconfig=/dev/null --server="$E2E_URL" --insecure-skip-tls-verify get pods
  expect_contains "$OUT" "You must be logged in to the server"
}

test_api_resources_lists_kinds() {
  out="$(kubectl api-resources)"
  expect_match "$out" "^pods +po +v1 +true +Pod"
  expect_match "$out" "^deployments +deploy +apps/v1 +true +Deployment"
  expect_match "$out" "^namespaces +ns +v1 +false +Namespace"
  expect_match "$out" "^leases +coordination.k8s.io/v1 +true +Lease"
  expect_match "$out" "^horizontalpodautoscalers +hpa +autoscaling/v2 +true +HorizontalPodAutoscaler"
}

test_unknown_resource_type() {
  expect_fail kubectl get widgets
  expect_contains "$OUT" 'the server doesn'"'"'t have a resource type "widgets"'
}

test_missing_object_is_404() {
  expect_fail kubectl get configmap nope
  expect_contains "$OUT" 'Error from server (NotFound): configmaps "nope" not found'
}

test_list_in_missing_namespace_is_empty() {
  out="$(kubectl get pods -n does-not-exist 2>&1)"
  expect_contains "$out" "No resources found in does-not-exist namespace."
}

test_body_over_3mib_is_413() {
  head -c 3500000 /dev/zero | tr '\0' 'a' >big.txt
  printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"a":"%s"}}' "$(cat big.txt)" >big.json
  code="$(api POST /api/v1/namespaces/default/configmaps -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @big.json)"
  expect_eq "$code" 413
}

test_unknown_content_type_is_415() {
  code="$(api POST /api/v1/namespaces/default/configmaps -o /dev/null -w '%{http_code}' -H 'Content-Type: text/csv' --data 'a,b')"
  expect_eq "$code" 415
}

test_malformed_json_is_400() {
  out="$(api POST /api/v1/namespaces/default/configmaps -H 'Content-Type: application/json' --data '{"apiVersion": "v1", "kind": ')"
  expect_contains "$out" '"code":400'
  expect_contains "$out" '"reason":"BadRequest"'
}

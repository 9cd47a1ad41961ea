# Conformance: test/e2e/apimachinery/table_conversion.go (sig-api-machinery Table transformation).

# [sig-api-machinery] Servers with support for Table transformation should return a 406 for a
# backend which does not implement metadata: a SelfSubjectAccessReview posted with an Accept of
# only meta.k8s.io Table gets 406 Not Acceptable (and without it, 201).
t_sig_api_machinery_servers_with_support_for_table_transformation_should_return_a_406_for_a_backend_which_does_not_implement_metadata() {
  local body='{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"nonResourceAttributes":{"path":"/","verb":"get"}}}'
  local code
  code="$(api POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews -o /tmp/capi-406-$NS.out -w '%{http_code}' \
    -H 'Content-Type: application/json' -H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io' -d "$body")"
  expect_eq "$code" 406
  expect_eq "$(jq -r .code /tmp/capi-406-$NS.out)" 406
  code="$(api POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews -o /dev/null -w '%{http_code}' \
    -H 'Content-Type: application/json' -H 'Accept: application/json' -d "$body")"
  expect_eq "$code" 201
  rm -f /tmp/capi-406-$NS.out
  # a resource that has a Table form still gets one
  expect_eq "$(api GET "/api/v1/namespaces/$NS/configmaps" -H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io' | jq -r .kind)" Table
}

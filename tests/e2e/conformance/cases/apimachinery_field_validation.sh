# Conformance: test/e2e/apimachinery/field_validation.go (sig-api-machinery FieldValidation),
# the typed-object entries (CRD ones are out of scope).

# fv_post PATH QUERY BODY [CONTENT-TYPE]: POST and print "<http code> <message>".
fv_post() {
  api POST "$1?$2" -H "Content-Type: ${4:-application/json}" -d "$3" -o "fv-$$.json" -D "fv-$$.h" -w '%{http_code}'
  echo " $(jq -r '.message // ""' "fv-$$.json" 2>/dev/null)"
}

# [sig-api-machinery] FieldValidation should detect unknown and duplicate fields of a typed object:
# with fieldValidation=Strict a Deployment with an unknown and a duplicated field is refused
# naming both (JSON and YAML bodies, and a patch); Warn accepts it with warnings; Ignore silently.
t_sig_api_machinery_fieldvalidation_should_detect_unknown_and_duplicate_fields_of_a_typed_object() {
  local path="/apis/apps/v1/namespaces/$NS/deployments" out
  local body='{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","labels":{"app":"fv"}},
    "spec":{"unknownField":"foo","replicas":2,"replicas":0,"selector":{"matchLabels":{"app":"fv"}},
    "template":{"metadata":{"labels":{"app":"fv"}},"spec":{"containers":[{"name":"c","image":"'"$IMG"'"}]}}}}'
  out="$(fv_post "$path" fieldValidation=Strict "${body/NAME/strict}")"
  expect_match "$out" '^400 '
  expect_contains "$out" 'unknown field "spec.unknownField"'
  expect_contains "$out" 'duplicate field "spec.replicas"'
  expect_fail kubectl get deployment strict
  # the same as YAML
  out="$(fv_post "$path" fieldValidation=Strict "apiVersion: apps/v1
kind: Deployment
metadata: {name: strict-yaml, labels: {app: fv}}
spec:
  unknownField: foo
  replicas: 0
  replicas: 1
  selector: {matchLabels: {app: fv}}
  template:
    metadata: {labels: {app: fv}}
    spec: {containers: [{name: c, image: $IMG}]}" application/yaml)"
  expect_match "$out" '^400 '
  expect_contains "$out" 'unknown field "spec.unknownField"'
  expect_contains "$out" 'duplicate field "spec.replicas"'
  # kubectl's strict validation is the server's
  expect_fail kubectl create --validate=strict -f - <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: strict-kubectl, labels: {app: fv}}
spec:
  unknownField: foo
  selector: {matchLabels: {app: fv}}
  template:
    metadata: {labels: {app: fv}}
    spec: {containers: [{name: c, image: $IMG}]}
YAML
  expect_contains "$OUT" 'unknown field "spec.unknownField"'
  # Warn: created, with a warning per problem
  out="$(fv_post "$path" fieldValidation=Warn "${body/NAME/warn}")"
  expect_match "$out" '^201 '
  expect_contains "$(cat "fv-$$.h")" 'unknown field \"spec.unknownField\"'
  expect_contains "$(cat "fv-$$.h")" 'duplicate field \"spec.replicas\"'
  expect_eq "$(kubectl get deployment warn -o jsonpath='{.spec.replicas}')" 0
  # Ignore: created, no warnings
  out="$(fv_post "$path" fieldValidation=Ignore "${body/NAME/ignore}")"
  expect_match "$out" '^201 '
  expect_not_contains "$(cat "fv-$$.h")" 'unknown field'
  # a strict merge patch with an unknown field is refused and changes nothing
  api PATCH "$path/warn?fieldValidation=Strict" -H 'Content-Type: application/merge-patch+json' \
    -d '{"spec":{"replicas":1,"bogus":1}}' -o "fv-$$.json" -w '%{http_code}' >"fv-$$.code"
  expect_eq "$(cat "fv-$$.code")" 400
  expect_contains "$(jq -r .message "fv-$$.json")" 'unknown field "spec.bogus"'
  expect_eq "$(kubectl get deployment warn -o jsonpath='{.spec.replicas}')" 0
  rm -f "fv-$$".*
}

# [sig-api-machinery] FieldValidation should detect unknown metadata fields of a typed object:
# unknown fields in metadata and in the template's metadata are refused under Strict.
t_sig_api_machinery_fieldvalidation_should_detect_unknown_metadata_fields_of_a_typed_object() {
  local path="/apis/apps/v1/namespaces/$NS/deployments" out
  out="$(fv_post "$path" fieldValidation=Strict '{"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"meta","unknownMeta":"foo","labels":{"app":"fv"}},
    "spec":{"selector":{"matchLabels":{"app":"fv"}},"template":{"metadata":{"labels":{"app":"fv"},"unknownSubMeta":"bar"},
    "spec":{"containers":[{"name":"c","image":"'"$IMG"'"}]}}}}')"
  expect_match "$out" '^400 '
  expect_contains "$out" 'unknown field "metadata.unknownMeta"'
  expect_contains "$out" 'unknown field "spec.template.metadata.unknownSubMeta"'
  expect_fail kubectl get deployment meta
  # the same object without them is fine
  out="$(fv_post "$path" fieldValidation=Strict '{"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"meta","labels":{"app":"fv"}},
    "spec":{"replicas":0,"selector":{"matchLabels":{"app":"fv"}},"template":{"metadata":{"labels":{"app":"fv"}},
    "spec":{"containers":[{"name":"c","image":"'"$IMG"'"}]}}}}')"
  expect_match "$out" '^201 '
  rm -f "fv-$$".*
}

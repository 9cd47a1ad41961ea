# Conformance: test/e2e/common/node/secrets.go (sig-node Secrets: env and API).

# [sig-node] Secrets should be consumable from pods in env vars: env valueFrom secretKeyRef.
t_sig_node_secrets_should_be_consumable_from_pods_in_env_vars() {
  kubectl create secret generic sec-env --from-literal=data-1=value-1 --from-literal=data-2=value-2 >/dev/null
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: secenv}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["env"]
    env:
    - name: SECRET_DATA
      valueFrom: {secretKeyRef: {name: sec-env, key: data-1}}
YAML
  wait_phase secenv Succeeded 60
  out="$(kubectl logs secenv)"
  expect_contains "$out" "SECRET_DATA=value-1"
  expect_not_contains "$out" "value-2"
}

# [sig-node] Secrets should be consumable via the environment: envFrom, with and without prefix.
t_sig_node_secrets_should_be_consumable_via_the_environment() {
  kubectl create secret generic sec-from --from-literal=data-1=value-1 --from-literal=data-2=value-2 \
    --from-literal=data-3=value-3 >/dev/null
  conf_envfrom_check secfrom secretRef sec-from
}

# [sig-node] Secrets should fail to create secret due to empty secret key: refused by validation.
t_sig_node_secrets_should_fail_to_create_secret_due_to_empty_secret_key() {
  expect_fail kubectl create -f - <<YAML
apiVersion: v1
kind: Secret
metadata: {name: sec-empty-key}
data: {"": dmFsdWUtMQo=}
YAML
  expect_contains "$OUT" "Invalid value"
  expect_fail kubectl get secret sec-empty-key
}

# [sig-node] Secrets should patch a secret: create with a label, list by it, patch data and labels,
# get the new values, delete the collection by label, list again.
t_sig_node_secrets_should_patch_a_secret() {
  local label="sec-static-$NS"
  expect_eq "$(kubectl get secrets -A -l "$label=true" -o name)" ""
  kubectl create -f - >/dev/null <<YAML
apiVersion: v1
kind: Secret
metadata: {name: sec-patch, labels: {$label: "true"}}
data: {key: $(printf value | base64)}
YAML
  expect_eq "$(kubectl get secrets -A -l "$label=true" -o jsonpath='{.items[*].metadata.name}')" sec-patch
  kubectl patch secret sec-patch --type merge \
    -p "{\"metadata\":{\"labels\":{\"testsecret\":\"true\"}},\"data\":{\"key\":\"$(printf new-value | base64)\"}}" >/dev/null
  expect_eq "$(kubectl get secret sec-patch -o jsonpath='{.data.key}' | base64 -d)" new-value
  expect_eq "$(kubectl get secret sec-patch -o jsonpath='{.metadata.labels.testsecret}')" true
  code="$(api DELETE "/api/v1/namespaces/$NS/secrets?labelSelector=$label%3Dtrue" -o /dev/null -w '%{http_code}')"
  expect_eq "$code" 200
  expect_eq "$(kubectl get secrets -A -l "$label=true" -o name)" ""
}

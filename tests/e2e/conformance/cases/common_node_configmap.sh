# Conformance: test/e2e/common/node/configmap.go (sig-node ConfigMap: env and API).

# [sig-node] ConfigMap should be consumable via environment variable: env valueFrom configMapKeyRef.
t_sig_node_configmap_should_be_consumable_via_environment_variable() {
  kubectl create configmap cm-env --from-literal=data-1=value-1 --from-literal=data-2=value-2 >/dev/null
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: cmenv}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["env"]
    env:
    - name: CONFIG_DATA_1
      valueFrom: {configMapKeyRef: {name: cm-env, key: data-1}}
YAML
  wait_phase cmenv Succeeded 60
  out="$(kubectl logs cmenv)"
  expect_contains "$out" "CONFIG_DATA_1=value-1"
  expect_not_contains "$out" "value-2"
}

# [sig-node] ConfigMap should be consumable via the environment: envFrom, with and without prefix.
t_sig_node_configmap_should_be_consumable_via_the_environment() {
  kubectl create configmap cm-from --from-literal=data-1=value-1 --from-literal=data-2=value-2 \
    --from-literal=data-3=value-3 >/dev/null
  conf_envfrom_check cmfrom configMapRef cm-from
}

# [sig-node] ConfigMap should fail to create ConfigMap with empty key: refused by validation.
t_sig_node_configmap_should_fail_to_create_configmap_with_empty_key() {
  expect_fail kubectl create -f - <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: cm-empty-key}
data: {"": value-1}
YAML
  expect_contains "$OUT" "Invalid value"
  expect_fail kubectl get configmap cm-empty-key
}

# [sig-node] ConfigMap should run through a ConfigMap lifecycle: create, patch (data and label),
# get, list across namespaces by label, delete by collection, list again.
t_sig_node_configmap_should_run_through_a_configmap_lifecycle() {
  local label="cm-static-$NS"
  kubectl create -f - >/dev/null <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: cm-life, labels: {$label: "true"}}
data: {valueName: value}
YAML
  kubectl patch configmap cm-life --type merge \
    -p '{"metadata":{"labels":{"test-configmap":"patched"}},"data":{"valueName":"value2"}}' >/dev/null
  expect_eq "$(kubectl get configmap cm-life -o jsonpath='{.data.valueName}')" value2
  expect_eq "$(kubectl get configmap cm-life -o jsonpath='{.metadata.labels.test-configmap}')" patched
  out="$(kubectl get configmaps -A -l "$label=true" -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}={.data.valueName}{"\n"}{end}')"
  expect_eq "$out" "$NS/cm-life=value2"
  # DELETE on the collection (kubectl deletes one by one, so the API is called directly).
  code="$(api DELETE "/api/v1/namespaces/$NS/configmaps?labelSelector=$label%3Dtrue" -o /dev/null -w '%{http_code}')"
  expect_eq "$code" 200
  out="$(kubectl get configmaps -A -l "$label=true" -o name)"
  expect_eq "$out" ""
}

# Conformance: test/e2e/scheduling/limit_range.go (sig-scheduling LimitRange).

# lr_resources POD: the first container's resources as "requests=cpu:..,ephemeral-storage:..,
# memory:..;limits=..." (keys sorted).
lr_resources() {
  kubectl get pod "$1" -o json | python3 -c '
import json, sys
r = json.load(sys.stdin)["spec"]["containers"][0].get("resources", {})
f = lambda m: ",".join("%s:%s" % kv for kv in sorted(m.items()))
print("requests=%s;limits=%s" % (f(r.get("requests", {})), f(r.get("limits", {}))))'
}

# lr_pod NAME REQUESTS-JSON LIMITS-JSON: a pod with those resources.
lr_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
    resources: {requests: $2, limits: $3}
YAML
}

# [sig-scheduling] LimitRange should create a LimitRange with defaults and ensure pod has those
# defaults applied: pods get the default requests/limits they lack; pods under min or over max
# are refused; an updated min applies at once; after the delete nothing is enforced.
t_sig_scheduling_limitrange_should_create_a_limitrange_with_defaults_and_ensure_pod_has_those_defaults_applied() {
  kubectl create -f - >/dev/null <<YAML
apiVersion: v1
kind: LimitRange
metadata: {name: limit-range, labels: {name: "$NS"}}
spec:
  limits:
  - type: Container
    min: {cpu: 50m, memory: 100Mi, ephemeral-storage: 100Gi}
    max: {cpu: 500m, memory: 500Mi, ephemeral-storage: 500Gi}
    default: {cpu: 500m, memory: 500Mi, ephemeral-storage: 500Gi}
    defaultRequest: {cpu: 100m, memory: 200Mi, ephemeral-storage: 200Gi}
YAML
  expect_eq "$(kubectl get limitrange -l "name=$NS" -o name)" limitrange/limit-range
  local lr
  lr="$(kubectl get limitrange limit-range -o json | python3 -c '
import json, sys
i = json.load(sys.stdin)["spec"]["limits"][0]
f = lambda m: ",".join("%s:%s" % kv for kv in sorted(m.items()))
print("%s;%s" % (f(i["defaultRequest"]), f(i["default"])))')"
  expect_eq "$lr" "cpu:100m,ephemeral-storage:200Gi,memory:200Mi;cpu:500m,ephemeral-storage:500Gi,memory:500Mi"

  lr_pod pod-no-resources '{}' '{}' | kubectl create -f - >/dev/null
  expect_eq "$(lr_resources pod-no-resources)" \
    "requests=cpu:100m,ephemeral-storage:200Gi,memory:200Mi;limits=cpu:500m,ephemeral-storage:500Gi,memory:500Mi"
  expect_contains "$(kubectl get pod pod-no-resources -o jsonpath='{.metadata.annotations}')" \
    'LimitRanger plugin set: cpu, ephemeral-storage, memory request for container c; cpu, ephemeral-storage, memory limit for container c'

  # A limit without a request makes the request equal to the limit (not the default request).
  lr_pod pod-partial-resources '{memory: 150Mi, ephemeral-storage: 150Gi}' '{cpu: 300m}' |
    kubectl create -f - >/dev/null
  expect_eq "$(lr_resources pod-partial-resources)" \
    "requests=cpu:300m,ephemeral-storage:150Gi,memory:150Mi;limits=cpu:300m,ephemeral-storage:500Gi,memory:500Mi"

  expect_fail kubectl create -f - <<<"$(lr_pod pod-min '{cpu: 10m, memory: 50Mi, ephemeral-storage: 50Gi}' '{}')"
  expect_contains "$OUT" 'pods "pod-min" is forbidden: [minimum cpu usage per Container is 50m, but request is 10m'
  expect_fail kubectl create -f - <<<"$(lr_pod pod-max '{cpu: 600m, memory: 600Mi, ephemeral-storage: 600Gi}' '{}')"
  expect_contains "$OUT" 'maximum cpu usage per Container is 500m, but request is 600m'

  kubectl patch limitrange limit-range --type=json \
    -p '[{"op":"replace","path":"/spec/limits/0/min","value":{"cpu":"9m","memory":"49Mi","ephemeral-storage":"49Gi"}}]' >/dev/null
  expect_eq "$(kubectl get limitrange limit-range -o jsonpath='{.spec.limits[0].min.cpu}')" 9m
  lr_pod pod-min '{cpu: 10m, memory: 50Mi, ephemeral-storage: 50Gi}' '{}' | kubectl create -f - >/dev/null
  expect_fail kubectl create -f - <<<"$(lr_pod pod-max '{cpu: 600m, memory: 600Mi, ephemeral-storage: 600Gi}' '{}')"
  expect_contains "$OUT" 'forbidden'

  kubectl delete limitrange limit-range >/dev/null
  expect_eq "$(kubectl get limitrange -o name)" ""
  lr_pod pod-max '{cpu: 600m, memory: 600Mi, ephemeral-storage: 600Gi}' '{}' | kubectl create -f - >/dev/null
  expect_eq "$(lr_resources pod-max)" "requests=cpu:600m,ephemeral-storage:600Gi,memory:600Mi;limits="
}

# [sig-scheduling] LimitRange should list, patch and delete a LimitRange by collection: two
# labelled LimitRanges in two namespaces are both listed across namespaces; a patch sticks; a
# deletecollection by label in one namespace removes only that one.
t_sig_scheduling_limitrange_should_list_patch_and_delete_a_limitrange_by_collection() {
  local ns2="$NS-lr2" out
  kubectl create namespace "$ns2" >/dev/null
  # shellcheck disable=SC2064
  trap "kubectl delete namespace '$ns2' --wait=false >/dev/null 2>&1 || true" EXIT
  for n in "$NS" "$ns2"; do
    kubectl create -n "$n" -f - >/dev/null <<YAML
apiVersion: v1
kind: LimitRange
metadata: {name: e2e-limitrange, labels: {e2e-test: "$NS"}}
spec:
  limits:
  - type: Container
    min: {cpu: 50m, memory: 100Mi}
    max: {cpu: 500m, memory: 500Mi}
    default: {cpu: 500m, memory: 500Mi}
    defaultRequest: {cpu: 100m, memory: 200Mi}
YAML
  done
  out="$(kubectl get limitranges -A -l "e2e-test=$NS" -o jsonpath='{range .items[*]}{.metadata.namespace}{" "}{end}')"
  expect_contains "$out" "$NS "
  expect_contains "$out" "$ns2 "
  expect_eq "$(wc -w <<<"$out")" 2
  kubectl patch limitrange e2e-limitrange --type=merge -p \
    '{"metadata":{"labels":{"e2e-patched":"true"}},"spec":{"limits":[{"type":"Container","min":{"cpu":"9m","memory":"49Mi"},"max":{"cpu":"500m","memory":"500Mi"},"default":{"cpu":"500m","memory":"500Mi"},"defaultRequest":{"cpu":"100m","memory":"200Mi"}}]}}' >/dev/null
  expect_eq "$(kubectl get limitrange e2e-limitrange -o jsonpath='{.metadata.labels.e2e-patched}/{.spec.limits[0].min.cpu}/{.spec.limits[0].min.memory}')" true/9m/49Mi
  out="$(api DELETE "/api/v1/namespaces/$NS/limitranges?labelSelector=e2e-test%3D$NS")"
  expect_contains "$out" '"kind":"LimitRangeList"'
  out="$(kubectl get limitranges -A -l "e2e-test=$NS" -o jsonpath='{range .items[*]}{.metadata.namespace}{" "}{end}')"
  expect_eq "$out" "$ns2 "
}

# Create, read, update, delete through kubectl.

test_create_get_delete_configmap() {
  out="$(kubectl create configmap cfg1 --from-literal=a=1 --from-literal=b=2)"
  expect_contains "$out" "configmap/cfg1 created"
  out="$(kubectl get configmap cfg1)"
  expect_match "$out" "^cfg1 +2 +[0-9]+s"
  out="$(kubectl get configmap cfg1 -o jsonpath='{.data.a}')"
  expect_eq "$out" "1"
  out="$(kubectl delete configmap cfg1)"
  expect_contains "$out" 'configmap "cfg1" deleted'
  expect_fail kubectl get configmap cfg1
}

test_apply_create_change_unchanged_remove_field() {
  cat >dep.yaml <<'Y'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: busybox:1.36
        command: ["sleep", "3600"]
Y
  out="$(kubectl apply -f dep.yaml)"
  expect_contains "$out" "deployment.apps/web created"
  out="$(kubectl apply -f dep.yaml)"
  expect_contains "$out" "deployment.apps/web unchanged"
  sed -i 's/busybox:1.36/busybox:1.37/' dep.yaml
  out="$(kubectl apply -f dep.yaml)"
  expect_contains "$out" "deployment.apps/web configured"
  out="$(kubectl get deploy web -o jsonpath='{.spec.template.spec.containers[0].image} {.metadata.generation}')"
  expect_eq "$out" "busybox:1.37 2"
  sed -i '/command:/d' dep.yaml
  kubectl apply -f dep.yaml
  out="$(kubectl get deploy web -o jsonpath='{.spec.template.spec.containers[0].command}')"
  expect_eq "$out" ""
  kubectl delete -f dep.yaml
}

test_create_rejects_unknown_field_strict() {
  cat >bad.yaml <<'Y'
apiVersion: v1
kind: ConfigMap
metadata:
  name: badfield
bogusField: 1
data: {a: b}
Y
  expect_fail kubectl create -f bad.yaml
  expect_contains "$OUT" 'strict decoding error: unknown field "bogusField"'
  expect_fail kubectl get configmap badfield
}

test_invalid_manifest_is_422_with_causes() {
  cat >inv.yaml <<'Y'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: inv
spec:
  replicas: -1
  selector:
    matchLabels: {app: inv}
  template:
    metadata:
      labels: {app: inv}
    spec:
      containers:
      - name: c
Y
  expect_fail kubectl apply -f inv.yaml
  expect_contains "$OUT" 'The Deployment "inv" is invalid'
  expect_contains "$OUT" 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'
  expect_contains "$OUT" 'spec.template.spec.containers[0].image: Required value'
  expect_fail kubectl get deploy inv
}

test_already_exists_is_409() {
  kubectl create configmap dup1
  expect_fail kubectl create configmap dup1
  expect_contains "$OUT" 'configmaps "dup1" already exists'
  kubectl delete configmap dup1
}

test_update_conflict_on_stale_resource_version() {
  kubectl create configmap cc1 --from-literal=a=1
  kubectl get configmap cc1 -o json >cc1.json
  kubectl label configmap cc1 x=y
  sed -i 's/"a": "1"/"a": "2"/' cc1.json
  expect_fail kubectl replace -f cc1.json
  expect_contains "$OUT" 'Error from server (Conflict)'
  expect_contains "$OUT" 'the object has been modified; please apply your changes to the latest version and try again'
  kubectl delete configmap cc1
}

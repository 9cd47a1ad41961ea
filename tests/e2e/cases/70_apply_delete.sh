# Multi-document apply, diff, server-side dry run, delete -f / all / namespace.

write_bundle() {  # write_bundle file ns replicas
  cat >"$1" <<Y
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: $2}
data: {mode: "fast"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: $2, labels: {app: app}}
spec:
  replicas: $3
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec: {containers: [{name: main, image: "busybox:1.36"}]}
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: $2}
spec:
  selector: {app: app}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Secret
metadata: {name: app-secret, namespace: $2}
data: {token: YWJj}
Y
}

test_apply_multi_document_then_unchanged() {
  kubectl create namespace ap70 >/dev/null
  write_bundle bundle.yaml ap70 2
  out="$(kubectl apply -f bundle.yaml)"
  expect_contains "$out" "configmap/app-config created"
  expect_contains "$out" "deployment.apps/app created"
  expect_contains "$out" "service/app created"
  expect_contains "$out" "secret/app-secret created"
  out="$(kubectl apply -f bundle.yaml)"
  expect_contains "$out" "configmap/app-config unchanged"
  expect_contains "$out" "deployment.apps/app unchanged"
  expect_contains "$out" "service/app unchanged"
  expect_contains "$out" "secret/app-secret unchanged"
  expect_eq "$(kubectl get secret app-secret -n ap70 -o jsonpath='{.data.token}')" "YWJj"
}

test_diff_exit_codes() {
  kubectl create namespace df70 >/dev/null
  write_bundle bundle.yaml df70 2
  kubectl apply -f bundle.yaml >/dev/null
  out="$(kubectl diff -f bundle.yaml)"   # exit 0: nothing differs
  expect_eq "$out" ""
  write_bundle bundle.yaml df70 5
  rc=0; out="$(kubectl diff -f bundle.yaml)" || rc=$?
  expect_eq "$rc" "1"
  expect_match "$out" "^-  replicas: 2"
  expect_match "$out" "^\+  replicas: 5"
  expect_contains "$out" "apps.v1.Deployment.df70.app"
  # diff goes through server-side dry run: nothing changed on the server
  expect_eq "$(kubectl get deploy app -n df70 -o jsonpath='{.spec.replicas}')" "2"
}

test_dry_run_server_persists_nothing() {
  kubectl create namespace dr70 >/dev/null
  out="$(kubectl create configmap d1 -n dr70 --from-literal=a=1 --dry-run=server)"
  expect_eq "$out" "configmap/d1 created (server dry run)"
  expect_fail kubectl get configmap d1 -n dr70
  expect_contains "$OUT" 'configmaps "d1" not found'
  write_bundle bundle.yaml dr70 2
  out="$(kubectl apply -f bundle.yaml --dry-run=server)"
  expect_contains "$out" "deployment.apps/app created (server dry run)"
  out="$(kubectl get all,cm,secret -n dr70 -o name 2>&1)"
  expect_not_contains "$out" "app"
  out="$(kubectl apply --server-side -f bundle.yaml --dry-run=server)"
  expect_contains "$out" "deployment.apps/app serverside-applied (server dry run)"
  expect_fail kubectl get deploy app -n dr70
  kubectl create configmap keep -n dr70 >/dev/null
  rv="$(kubectl get cm keep -n dr70 -o jsonpath='{.metadata.resourceVersion}')"
  out="$(kubectl delete configmap keep -n dr70 --dry-run=server)"
  expect_eq "$out" 'configmap "keep" deleted (server dry run)'
  expect_eq "$(kubectl get cm keep -n dr70 -o jsonpath='{.metadata.resourceVersion}')" "$rv"
  out="$(kubectl create deployment x -n dr70 --image=busybox --dry-run=server -o jsonpath='{.spec.strategy.type} {.spec.template.spec.containers[0].imagePullPolicy}')"
  expect_eq "$out" "RollingUpdate Always"
  expect_fail kubectl get deploy x -n dr70
}

test_delete_from_file() {
  kubectl create namespace dl70 >/dev/null
  write_bundle bundle.yaml dl70 1
  kubectl apply -f bundle.yaml >/dev/null
  out="$(kubectl delete -f bundle.yaml)"
  expect_contains "$out" 'configmap "app-config" deleted'
  expect_contains "$out" 'deployment.apps "app" deleted'
  expect_contains "$out" 'service "app" deleted'
  expect_contains "$out" 'secret "app-secret" deleted'
  # Only the kube-root-ca.crt ConfigMap every namespace gets is left.
  out="$(kubectl get all,cm,secret -n dl70 -o name 2>&1 | grep -v '^configmap/kube-root-ca.crt$' || true)"
  expect_eq "$out" ""
  expect_fail kubectl delete -f bundle.yaml
  expect_contains "$OUT" 'Error from server (NotFound): error when deleting "bundle.yaml": configmaps "app-config" not found'
}

test_delete_all_all_keeps_configmaps() {
  kubectl create namespace da70 >/dev/null
  kubectl create deployment d1 -n da70 --image=busybox:1.36 >/dev/null
  kubectl create service clusterip s1 -n da70 --tcp=80 >/dev/null
  kubectl create job j1 -n da70 --image=busybox:1.36 >/dev/null
  kubectl create configmap c1 -n da70 >/dev/null
  out="$(kubectl delete all --all -n da70)"
  expect_contains "$out" 'deployment.apps "d1" deleted'
  expect_contains "$out" 'service "s1" deleted'
  expect_contains "$out" 'job.batch "j1" deleted'
  out="$(kubectl get all -n da70 2>&1)"
  expect_contains "$out" "No resources found in da70 namespace."
  expect_match "$(kubectl get cm -n da70)" "^c1 +0"
}

test_delete_namespace_removes_contents() {
  kubectl create namespace dn70 >/dev/null
  write_bundle bundle.yaml dn70 1
  kubectl apply -f bundle.yaml >/dev/null
  out="$(kubectl delete namespace dn70)"   # waits until it is gone
  expect_eq "$out" 'namespace "dn70" deleted'
  expect_fail kubectl get namespace dn70
  expect_contains "$OUT" 'namespaces "dn70" not found'
  out="$(kubectl get all,cm,secret -n dn70 2>&1)"
  expect_contains "$out" "No resources found in dn70 namespace."
}

# A namespace held by a finalizer stays Terminating: it refuses new objects,
# and objects in it that carry finalizers are marked, not removed.
test_terminating_namespace_refuses_create() {
  cat <<'Y' | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Namespace
metadata: {name: tn70, finalizers: [example.com/hold]}
Y
  cat <<'Y' | kubectl apply -n tn70 -f - >/dev/null
apiVersion: v1
kind: ConfigMap
metadata: {name: held, finalizers: [example.com/hold]}
Y
  out="$(kubectl delete namespace tn70 --wait=false)"
  expect_eq "$out" 'namespace "tn70" deleted'
  sleep 1
  out="$(kubectl get namespace tn70)"
  expect_match "$out" "^tn70 +Terminating"
  expect_match "$(kubectl get cm held -n tn70 -o jsonpath='{.metadata.deletionTimestamp}')" "^20"
  expect_fail kubectl create configmap late -n tn70
  expect_contains "$OUT" 'configmaps "late" is forbidden: unable to create new content in namespace tn70 because it is being terminated'
  kubectl patch cm held -n tn70 --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null
  kubectl patch namespace tn70 --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null
  wait_for 10 bash -c '! kubectl get namespace tn70'
}

# Mutations: patch in every format, server-side apply, edit, replace, label, scale...

mkdep() {  # mkdep name [ns]
  kubectl create deployment "$1" --image=busybox:1.36 --replicas=2 ${2:+-n $2} >/dev/null
}

test_create_generators_protobuf() {
  out="$(kubectl create deployment gen1 --image=busybox:1.36 --replicas=3)"
  expect_contains "$out" "deployment.apps/gen1 created"
  expect_eq "$(kubectl get deploy gen1 -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].image}')" "3 busybox:1.36"
  out="$(kubectl create service clusterip gen1 --tcp=80:8080)"
  expect_contains "$out" "service/gen1 created"
  expect_eq "$(kubectl get svc gen1 -o jsonpath='{.spec.ports[0].port} {.spec.ports[0].targetPort}')" "80 8080"
  out="$(kubectl create secret generic gen1 --from-literal=k=v)"
  expect_contains "$out" "secret/gen1 created"
  expect_eq "$(kubectl get secret gen1 -o jsonpath='{.data.k}')" "dg=="
  out="$(kubectl create namespace gen1)"
  expect_contains "$out" "namespace/gen1 created"
  out="$(kubectl create job gen1 --image=busybox:1.36 -- echo hi)"
  expect_contains "$out" "job.batch/gen1 created"
  expect_eq "$(kubectl get job gen1 -o jsonpath='{.spec.template.spec.containers[0].command}')" '["echo","hi"]'
}

test_auth_can_i() {
  out="$(kubectl auth can-i create pods)"
  expect_eq "$out" "yes"
}

test_patch_all_types() {
  mkdep pt1
  out="$(kubectl patch deploy pt1 --type=merge -p '{"spec":{"replicas":4}}')"
  expect_contains "$out" "deployment.apps/pt1 patched"
  expect_eq "$(kubectl get deploy pt1 -o jsonpath='{.spec.replicas}')" "4"
  kubectl patch deploy pt1 --type=json -p '[{"op":"replace","path":"/spec/replicas","value":5}]'
  expect_eq "$(kubectl get deploy pt1 -o jsonpath='{.spec.replicas}')" "5"
  kubectl patch deploy pt1 -p '{"spec":{"template":{"spec":{"containers":[{"name":"busybox","image":"busybox:1.37"}]}}}}'
  expect_eq "$(kubectl get deploy pt1 -o jsonpath='{.spec.template.spec.containers[*].image}')" "busybox:1.37"
  expect_fail kubectl patch deploy pt1 --type=json -p '[{"op":"test","path":"/spec/replicas","value":99}]'
  out="$(kubectl patch deploy pt1 --type=merge -p '{"spec":{"replicas":5}}')"
  expect_contains "$out" "deployment.apps/pt1 patched (no change)"
}

test_server_side_apply_and_conflict() {
  cat >ssa.yaml <<'Y'
apiVersion: v1
kind: ConfigMap
metadata: {name: ssa1}
data: {a: "1"}
Y
  out="$(kubectl apply --server-side -f ssa.yaml)"
  expect_contains "$out" "configmap/ssa1 serverside-applied"
  out="$(kubectl get cm ssa1 -o jsonpath='{.metadata.managedFields[0].manager} {.metadata.managedFields[0].operation}')"
  expect_eq "$out" "kubectl Apply"
  sed -i 's/"1"/"2"/' ssa.yaml
  expect_fail kubectl apply --server-side --field-manager=other -f ssa.yaml
  expect_contains "$OUT" "conflict"
  expect_contains "$OUT" ".data.a"
  out="$(kubectl apply --server-side --field-manager=other --force-conflicts -f ssa.yaml)"
  expect_contains "$out" "serverside-applied"
  expect_eq "$(kubectl get cm ssa1 -o jsonpath='{.data.a}')" "2"
}

test_edit_with_editor_script() {
  kubectl create configmap ed1 --from-literal=a=1
  cat >editor.sh <<'S'
#!/bin/sh
sed -i 's/a: "1"/a: "edited"/' "$1"
S
  chmod +x editor.sh
  out="$(EDITOR="$PWD/editor.sh" kubectl edit configmap ed1)"
  expect_contains "$out" "configmap/ed1 edited"
  expect_eq "$(kubectl get cm ed1 -o jsonpath='{.data.a}')" "edited"
}

test_replace() {
  kubectl create configmap rp1 --from-literal=a=1
  kubectl get cm rp1 -o yaml | sed 's/a: "1"/a: "2"/' >rp1.yaml
  out="$(kubectl replace -f rp1.yaml)"
  expect_contains "$out" "configmap/rp1 replaced"
  expect_eq "$(kubectl get cm rp1 -o jsonpath='{.data.a}')" "2"
}

test_label_annotate() {
  kubectl create configmap la1
  out="$(kubectl label configmap la1 env=prod)"
  expect_contains "$out" "configmap/la1 labeled"
  out="$(kubectl annotate configmap la1 note=hello)"
  expect_contains "$out" "configmap/la1 annotated"
  expect_eq "$(kubectl get cm la1 -o jsonpath='{.metadata.labels.env} {.metadata.annotations.note}')" "prod hello"
  kubectl label configmap la1 env-
  expect_eq "$(kubectl get cm la1 -o jsonpath='{.metadata.labels}')" ""
  expect_fail kubectl label configmap la1 'bad key!=x'
}

test_set_image_and_scale() {
  mkdep si1
  out="$(kubectl set image deployment/si1 busybox=busybox:1.37)"
  expect_contains "$out" "deployment.apps/si1 image updated"
  expect_eq "$(kubectl get deploy si1 -o jsonpath='{.spec.template.spec.containers[0].image} {.metadata.generation}')" "busybox:1.37 2"
  out="$(kubectl scale deployment si1 --replicas=7)"
  expect_contains "$out" "deployment.apps/si1 scaled"
  expect_eq "$(kubectl get deploy si1 -o jsonpath='{.spec.replicas}')" "7"
  out="$(api GET /apis/apps/v1/namespaces/default/deployments/si1/scale)"
  expect_contains "$out" '"kind":"Scale"'
  expect_contains "$out" '"replicas":7'
  expect_contains "$out" '"selector":"app=si1"'
}

test_delete_variants() {
  kubectl create configmap dv1 -o name
  kubectl create configmap dv2 && kubectl label cm dv2 grp=x
  kubectl create configmap dv3 && kubectl label cm dv3 grp=x
  out="$(kubectl delete configmap dv1)"
  expect_contains "$out" 'configmap "dv1" deleted'
  out="$(kubectl delete configmap -l grp=x)"
  expect_contains "$out" 'configmap "dv2" deleted'
  expect_contains "$out" 'configmap "dv3" deleted'
  mkdep dv4
  out="$(kubectl delete deployment dv4 --cascade=orphan)"
  expect_contains "$out" 'deployment.apps "dv4" deleted'
}

test_wait_for_delete_and_condition() {
  kubectl create configmap wt1
  (sleep 1; kubectl delete configmap wt1 >/dev/null) &
  out="$(kubectl wait --for=delete configmap/wt1 --timeout=20s)"
  expect_contains "$out" "configmap/wt1 condition met"
  kubectl create namespace wtns
  out="$(kubectl wait --for=jsonpath='{.status.phase}'=Active namespace/wtns --timeout=10s)"
  expect_contains "$out" "namespace/wtns condition met"
}

test_describe() {
  mkdep ds1
  out="$(kubectl describe deployment ds1)"
  expect_match "$out" "^Name: +ds1"
  expect_match "$out" "^Replicas: +2 desired"
  expect_contains "$out" "busybox:1.36"
}

test_explain() {
  out="$(kubectl explain deployment.spec.strategy)"
  expect_contains "$out" "KIND:       Deployment"
  expect_contains "$out" "FIELD: strategy"
  expect_contains "$out" "rollingUpdate"
  expect_contains "$out" "type"
}

test_namespace_delete_removes_contents() {
  kubectl create namespace gone1
  kubectl create configmap -n gone1 c1
  out="$(kubectl delete namespace gone1)"
  expect_contains "$out" 'namespace "gone1" deleted'
  expect_fail kubectl get namespace gone1
  out="$(api GET /api/v1/namespaces/gone1/configmaps)"
  expect_contains "$out" '"items":[]'
}

test_restart_keeps_everything() {
  kubectl create configmap keep1 --from-literal=a=1
  rv="$(kubectl get cm keep1 -o jsonpath='{.metadata.resourceVersion}')"
  e2e_restart_server
  expect_eq "$(kubectl get cm keep1 -o jsonpath='{.data.a} {.metadata.resourceVersion}')" "1 $rv"
  kubectl create configmap keep2
  rv2="$(kubectl get cm keep2 -o jsonpath='{.metadata.resourceVersion}')"
  [ "$rv2" -gt "$rv" ]
}

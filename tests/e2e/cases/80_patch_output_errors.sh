# JSON/strategic patches, SSA field removal and conflicts, output formats,
# auth, and the error texts kubectl users see.

test_json_patch_add_remove_labels_and_failed_test() {
  kubectl create configmap jp80 >/dev/null
  out="$(kubectl patch cm jp80 --type=json -p '[{"op":"add","path":"/metadata/labels","value":{"a":"1","b":"2"}}]')"
  expect_eq "$out" "configmap/jp80 patched"
  kubectl patch cm jp80 --type=json -p '[{"op":"remove","path":"/metadata/labels/a"},{"op":"add","path":"/metadata/labels/c~1d","value":"v"}]' >/dev/null
  expect_match "$(kubectl get cm jp80 --show-labels)" "^jp80 +0 +[0-9]+s +b=2,c/d=v$"
  expect_fail kubectl patch cm jp80 --type=json -p '[{"op":"test","path":"/metadata/labels/b","value":"3"},{"op":"add","path":"/data","value":{"x":"y"}}]'
  expect_contains "$OUT" "The request is invalid"
  expect_contains "$OUT" "testing value /metadata/labels/b failed"
  expect_eq "$(kubectl get cm jp80 -o jsonpath='{.data}')" ""
  expect_fail kubectl patch cm jp80 --type=json -p '[{"op":"remove","path":"/metadata/labels/zzz"}]'
  expect_contains "$OUT" "The request is invalid"
}

test_strategic_merge_patch_delete_directive() {
  cat <<'Y' | kubectl apply -f - >/dev/null
apiVersion: apps/v1
kind: Deployment
metadata: {name: sm80}
spec:
  selector: {matchLabels: {app: sm80}}
  template:
    metadata: {labels: {app: sm80}}
    spec:
      containers:
      - {name: a, image: "busybox:1.36", env: [{name: FOO, value: "1"}, {name: BAR, value: "2"}]}
      - {name: b, image: "busybox:1.36"}
Y
  out="$(kubectl patch deploy sm80 -p '{"spec":{"template":{"spec":{"containers":[{"name":"b","$patch":"delete"}]}}}}')"
  expect_eq "$out" "deployment.apps/sm80 patched"
  expect_eq "$(kubectl get deploy sm80 -o jsonpath='{.spec.template.spec.containers[*].name}')" "a"
  kubectl patch deploy sm80 -p '{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"FOO","$patch":"delete"}]}]}}}}' >/dev/null
  expect_eq "$(kubectl get deploy sm80 -o jsonpath='{.spec.template.spec.containers[0].env[*].name}')" "BAR"
  expect_eq "$(kubectl get deploy sm80 -o jsonpath='{.metadata.generation}')" "3"
}

test_ssa_field_removal_and_scale_conflict() {
  cat >ssa80.yaml <<'Y'
apiVersion: apps/v1
kind: Deployment
metadata: {name: ssa80, labels: {app: ssa80, extra: "yes"}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ssa80}}
  template:
    metadata: {labels: {app: ssa80}}
    spec: {containers: [{name: main, image: "busybox:1.36"}]}
Y
  out="$(kubectl apply --server-side -f ssa80.yaml)"
  expect_eq "$out" "deployment.apps/ssa80 serverside-applied"
  sed -i 's/, extra: "yes"//' ssa80.yaml
  kubectl apply --server-side -f ssa80.yaml >/dev/null
  expect_eq "$(kubectl get deploy ssa80 -o jsonpath='{.metadata.labels}')" '{"app":"ssa80"}'
  out="$(kubectl scale deploy ssa80 --replicas=4)"
  expect_eq "$out" "deployment.apps/ssa80 scaled"
  sed -i 's/replicas: 2/replicas: 3/' ssa80.yaml
  expect_fail kubectl apply --server-side -f ssa80.yaml
  expect_contains "$OUT" 'error: Apply failed with 1 conflict: conflict with "kubectl"'
  expect_contains "$OUT" ".spec.replicas"
  expect_contains "$OUT" "--force-conflicts"
  expect_eq "$(kubectl get deploy ssa80 -o jsonpath='{.spec.replicas}')" "4"
  kubectl apply --server-side --force-conflicts -f ssa80.yaml >/dev/null
  expect_eq "$(kubectl get deploy ssa80 -o jsonpath='{.spec.replicas}')" "3"
}

# Kubernetes records the subresource an Update came through, and names it in
# the SSA conflict message.
test_scale_managed_fields_record_subresource() {
  kubectl create deployment sub80 --image=busybox:1.36 >/dev/null
  kubectl scale deploy sub80 --replicas=3 >/dev/null
  out="$(kubectl get deploy sub80 --show-managed-fields -o jsonpath='{range .metadata.managedFields[*]}{.manager}/{.operation}/{.subresource};{end}')"
  expect_contains "$out" "kubectl/Update/scale;"
}

test_output_jsonpath_custom_columns_sort_label_columns() {
  kubectl create namespace fm80 >/dev/null
  kubectl create deployment zeta -n fm80 --image=busybox:1.36 >/dev/null
  sleep 1.1
  kubectl create deployment alpha -n fm80 --image=nginx:1.27 --replicas=2 >/dev/null
  kubectl label deploy zeta -n fm80 tier=back >/dev/null
  expect_eq "$(kubectl get deploy zeta -n fm80 -o jsonpath='{.metadata.name}:{.spec.replicas}:{.spec.template.spec.containers[0].image}')" "zeta:1:busybox:1.36"
  out="$(kubectl get deploy -n fm80 -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGE:.spec.template.spec.containers[*].image)"
  expect_match "$out" "^NAME +REPLICAS +IMAGE$"
  expect_match "$out" "^alpha +2 +nginx:1\.27$"
  expect_match "$out" "^zeta +1 +busybox:1\.36$"
  out="$(kubectl get deploy -n fm80 --sort-by=.metadata.creationTimestamp -o name)"
  expect_eq "$(echo $out)" "deployment.apps/zeta deployment.apps/alpha"
  out="$(kubectl get deploy -n fm80 -L app,tier)"
  expect_match "$out" "^NAME +READY +UP-TO-DATE +AVAILABLE +AGE +APP +TIER$"
  # UP-TO-DATE moves with the Deployment controller; no nodes, so nothing is available.
  expect_match "$out" "^zeta +0/1 +[01] +0 +[0-9]+s +zeta +back$"
  expect_match "$out" "^alpha +0/2 +[0-2] +0 +[0-9]+s +alpha +$"
  out="$(kubectl get deploy -n fm80 -o go-template='{{range .items}}{{.metadata.name}}={{.spec.replicas}} {{end}}')"
  expect_eq "$out" "alpha=2 zeta=1 "
}

test_auth_can_i_list_and_namespace() {
  out="$(kubectl auth can-i --list)"
  expect_match "$out" "^Resources +Non-Resource URLs +Resource Names +Verbs"
  expect_match "$out" "^\*\.\* +\[\] +\[\] +\[\*\]"
  out="$(kubectl auth can-i delete pods -n kube-system)"
  expect_eq "$out" "yes"
  out="$(kubectl auth can-i create deployments.apps --all-namespaces)"
  expect_eq "$out" "yes"
}

# Needs authentication.k8s.io/v1 SelfSubjectReview.
test_auth_whoami() {
  out="$(kubectl auth whoami)"
  expect_match "$out" "^ATTRIBUTE +VALUE"
  expect_match "$out" "^Username +"
  expect_match "$out" "^Groups +\[.*system:authenticated.*\]"
}

test_error_texts() {
  expect_fail kubectl create configmap Bad_Name
  expect_contains "$OUT" 'error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters'
  kubectl create configmap lv80 >/dev/null
  expect_fail kubectl patch cm lv80 --type=merge -p '{"metadata":{"labels":{"k":"-bad-"}}}'
  expect_contains "$OUT" 'The ConfigMap "lv80" is invalid: metadata.labels: Invalid value: "-bad-": a valid label must be an empty string or consist of alphanumeric characters'
  expect_fail kubectl label cm lv80 'k=bad value!'
  expect_contains "$OUT" 'error: invalid label value: "k=bad value!"'
  cat >mism.yaml <<'Y'
apiVersion: apps/v1
kind: Deployment
metadata: {name: mism80}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: b}}
    spec: {containers: [{name: c, image: busybox}]}
Y
  expect_fail kubectl apply -f mism.yaml
  expect_contains "$OUT" 'The Deployment "mism80" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`'
  kubectl create deployment imm80 --image=busybox >/dev/null
  kubectl get deploy imm80 -o yaml | sed 's/app: imm80/app: other/' >imm.yaml
  expect_fail kubectl apply -f imm.yaml
  expect_contains "$OUT" 'The Deployment "imm80" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'
  cat >port.yaml <<'Y'
apiVersion: v1
kind: Service
metadata: {name: port80}
spec:
  ports: [{port: 70000, targetPort: 8080}]
Y
  expect_fail kubectl apply -f port.yaml
  expect_contains "$OUT" 'The Service "port80" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive'
  expect_fail kubectl get svc port80
}

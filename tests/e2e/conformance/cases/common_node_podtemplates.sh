# Conformance: test/e2e/common/node/podtemplates.go (sig-node PodTemplates).

# pt_yaml NAME [LABELS-INLINE]: a PodTemplate of the test image.
pt_yaml() {
  cat <<YAML
apiVersion: v1
kind: PodTemplate
metadata: {name: $1, labels: {${2:-}}}
template:
  metadata: {labels: {app: $1}}
  spec:
    containers: [{name: c, image: $IMG, command: [sleep, "3600"]}]
YAML
}

# [sig-node] PodTemplates should run the lifecycle of PodTemplates: create (defaulted template),
# patch labels, find by label, delete.
t_sig_node_podtemplates_should_run_the_lifecycle_of_podtemplates() {
  pt_yaml pt-life 'podtemplate-static: "true"' | kubectl create -f - >/dev/null
  local pt; pt="$(kubectl get podtemplate pt-life -o json)"
  expect_eq "$(jq -r .template.spec.containers[0].image <<<"$pt")" "$IMG"
  # the server defaults the template's pod spec like a pod's
  expect_eq "$(jq -r .template.spec.restartPolicy <<<"$pt")" Always
  expect_eq "$(jq -r .template.spec.containers[0].terminationMessagePath <<<"$pt")" /dev/termination-log
  kubectl patch podtemplate pt-life -p '{"metadata":{"labels":{"podtemplate":"patched"}}}' >/dev/null
  expect_eq "$(kubectl get podtemplates -l podtemplate-static=true,podtemplate=patched -o jsonpath='{.items[*].metadata.name}')" pt-life
  expect_match "$(kubectl get podtemplate pt-life)" "^TEMPLATE +CONTAINERS +IMAGES +POD LABELS"
  kubectl delete podtemplate pt-life >/dev/null
  expect_fail kubectl get podtemplate pt-life
  expect_contains "$OUT" NotFound
}

# [sig-node] PodTemplates should delete a collection of pod templates: three labelled templates
# are listed by their label and are gone after a deletecollection with it; others stay.
t_sig_node_podtemplates_should_delete_a_collection_of_pod_templates() {
  local i
  for i in 1 2 3; do pt_yaml "pt-set-$i" 'podtemplate-set: "true"' | kubectl create -f - >/dev/null; done
  pt_yaml pt-other | kubectl create -f - >/dev/null
  expect_eq "$(kubectl get podtemplates -l podtemplate-set=true -o name | wc -l)" 3
  kubectl delete --raw "/api/v1/namespaces/$NS/podtemplates?labelSelector=podtemplate-set%3Dtrue" >/dev/null
  expect_eq "$(kubectl get podtemplates -l podtemplate-set=true -o name)" ""
  expect_eq "$(kubectl get podtemplates -o name)" "podtemplate/pt-other"
}

# [sig-node] PodTemplates should replace a pod template: a PUT adding an annotation is stored;
# an invalid template is refused.
t_sig_node_podtemplates_should_replace_a_pod_template() {
  pt_yaml pt-replace | kubectl create -f - >/dev/null
  kubectl get podtemplate pt-replace -o json | jq '.metadata.annotations.updated="true"' | kubectl replace -f - >/dev/null
  expect_eq "$(kubectl get podtemplate pt-replace -o jsonpath='{.metadata.annotations.updated}')" true
  expect_fail bash -c "kubectl get podtemplate pt-replace -o json | jq '.template.spec.containers[0].name=\"Bad_Name\"' | kubectl replace -f -"
  expect_contains "$OUT" "template.spec.containers[0].name"
}

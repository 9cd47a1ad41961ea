# kubectl get in its many output forms.

setup_get_fixtures() {
  kubectl get ns getns >/dev/null 2>&1 && return 0
  kubectl create namespace getns
  cat <<'Y' | kubectl apply -n getns -f -
apiVersion: apps/v1
kind: Deployment
metadata: {name: alpha, labels: {app: alpha, tier: front}}
spec:
  replicas: 3
  selector: {matchLabels: {app: alpha}}
  template:
    metadata: {labels: {app: alpha}}
    spec: {containers: [{name: main, image: "busybox:1.36"}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: beta, labels: {app: beta, tier: back}}
spec:
  replicas: 1
  selector: {matchLabels: {app: beta}}
  template:
    metadata: {labels: {app: beta}}
    spec: {containers: [{name: main, image: "busybox:1.37"}]}
Y
}

test_get_default_columns() {
  setup_get_fixtures
  out="$(kubectl get deploy -n getns)"
  expect_match "$out" "^NAME +READY +UP-TO-DATE +AVAILABLE +AGE"
  # UP-TO-DATE follows the Deployment controller (0 until it has made the ReplicaSet, then 3);
  # there are no nodes here, so nothing becomes ready or available.
  expect_match "$out" "^alpha +0/3 +[0-3] +0 +[0-9]+s"
}

test_get_wide_adds_columns() {
  setup_get_fixtures
  out="$(kubectl get deploy -n getns -o wide)"
  expect_match "$out" "CONTAINERS +IMAGES +SELECTOR"
  expect_match "$out" "^alpha .* main +busybox:1.36 +app=alpha"
}

test_get_yaml_json_name() {
  setup_get_fixtures
  out="$(kubectl get deploy alpha -n getns -o yaml)"
  expect_contains "$out" "kind: Deployment"
  expect_contains "$out" "replicas: 3"
  expect_match "$out" "resourceVersion: \"[0-9]+\""
  expect_match "$out" "uid: [0-9a-f-]{36}"
  out="$(kubectl get deploy alpha -n getns -o json)"
  expect_contains "$out" '"apiVersion": "apps/v1"'
  out="$(kubectl get deploy -n getns -o name)"
  expect_contains "$out" "deployment.apps/alpha"
  expect_contains "$out" "deployment.apps/beta"
}

test_get_label_selector_and_show_labels() {
  setup_get_fixtures
  out="$(kubectl get deploy -n getns -l tier=front)"
  expect_contains "$out" "alpha"
  expect_not_contains "$out" "beta"
  out="$(kubectl get deploy -n getns -l 'tier in (back)' --show-labels)"
  expect_match "$out" "^beta .*app=beta,tier=back"
  expect_not_contains "$out" "alpha"
}

test_get_all_namespaces() {
  setup_get_fixtures
  out="$(kubectl get deploy -A)"
  expect_match "$out" "^NAMESPACE +NAME"
  expect_match "$out" "^getns +alpha"
}

test_get_sort_by() {
  setup_get_fixtures
  out="$(kubectl get deploy -n getns --sort-by=.spec.replicas -o name)"
  expect_eq "$(echo "$out" | head -1)" "deployment.apps/beta"
}

test_get_all() {
  setup_get_fixtures
  out="$(kubectl get all -n getns)"
  expect_contains "$out" "deployment.apps/alpha"
}

test_get_paging_with_chunk_size() {
  kubectl create namespace pagens
  for i in $(seq 1 7); do kubectl create configmap -n pagens "cm$i" >/dev/null; done
  # Every namespace also gets kube-root-ca.crt (the root CA publisher): 8 in all.
  wait_for 10 kubectl get configmap -n pagens kube-root-ca.crt
  out="$(kubectl get configmaps -n pagens --chunk-size=2 -o name | sort)"
  expect_eq "$(echo "$out" | wc -l)" "8"
  out="$(api GET '/api/v1/namespaces/pagens/configmaps?limit=3')"
  expect_contains "$out" '"continue":"'
  expect_contains "$out" '"remainingItemCount":5'
}

test_get_watch_output_watch_events() {
  kubectl create namespace watchns
  kubectl get configmaps -n watchns -w --output-watch-events >watch.out 2>&1 &
  wpid=$!
  sleep 1
  kubectl create configmap -n watchns w1 --from-literal=a=1
  kubectl label configmap -n watchns w1 x=y
  kubectl delete configmap -n watchns w1
  wait_for 10 grep -q DELETED watch.out
  kill $wpid
  out="$(cat watch.out)"
  expect_match "$out" "ADDED +w1"
  expect_match "$out" "MODIFIED +w1"
  expect_match "$out" "DELETED +w1"
}

# Conformance: test/e2e/apps/disruption.go (sig-apps DisruptionController).

# pdb_yaml NAME 'minAvailable: 1' [NAMESPACE]: a PDB over the pods labelled foo=bar.
pdb_yaml() {
  cat <<YAML
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: $1
  namespace: ${3:-$NS}
  labels: {e2e-pdb: "$NS"}
spec:
  $2
  selector:
    matchLabels: {foo: bar}
YAML
}

# pdb_pods N: N running pods labelled foo=bar (pod-0 .. pod-N-1), waited for.
pdb_pods() {
  local i
  for i in $(seq 0 $(( $1 - 1 ))); do conf_pod "pod-$i" 'sleep 3600' 'foo: bar' | kubectl apply -f - >/dev/null; done
  for i in $(seq 0 $(( $1 - 1 ))); do wait_running "pod-$i"; done
}

# pdb_evict POD: POST an Eviction; prints the HTTP code.
pdb_evict() {
  api POST "/api/v1/namespaces/$NS/pods/$1/eviction" -H 'Content-Type: application/json' \
    -d "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"$1\",\"namespace\":\"$NS\"}}" \
    -o /dev/null -w '%{http_code}'
}

# pdb_processed NAME: the controller has seen the PDB's current generation.
pdb_processed() {
  apps_wait "pdb/$1" '{.status.observedGeneration}' "$(kubectl get pdb "$1" -o jsonpath='{.metadata.generation}')" 30
}

# [sig-apps] DisruptionController Listing PodDisruptionBudgets for all namespaces should list and
# delete a collection of PodDisruptionBudgets: PDBs in two namespaces are listed across all
# namespaces by label; a deletecollection removes those of one namespace.
t_sig_apps_disruptioncontroller_listing_poddisruptionbudgets_for_all_namespaces_should_list_and_delete_a_collection_of_poddisruptionbudgets() {
  local ns2="$NS-pdb2"
  trap "kubectl delete namespace '$ns2' --wait=false >/dev/null 2>&1 || true" EXIT
  kubectl create namespace "$ns2" >/dev/null
  pdb_yaml pdb-a 'minAvailable: 1' | kubectl apply -f - >/dev/null
  pdb_yaml pdb-b 'maxUnavailable: 1' | kubectl apply -f - >/dev/null
  pdb_yaml pdb-c 'minAvailable: 1' "$ns2" | kubectl apply -f - >/dev/null
  expect_eq "$(kubectl get pdb -A -l "e2e-pdb=$NS" --no-headers | wc -l)" 3
  local out; out="$(api DELETE "/apis/policy/v1/namespaces/$NS/poddisruptionbudgets?labelSelector=e2e-pdb%3D$NS")"
  expect_eq "$(jq -r .kind <<<"$out")" PodDisruptionBudgetList
  eventually 20 sh -c "[ -z \"\$(kubectl get pdb -o name)\" ]"
  expect_eq "$(kubectl get pdb -A -l "e2e-pdb=$NS" -o jsonpath='{.items[*].metadata.namespace}/{.items[*].metadata.name}')" "$ns2/pdb-c"
}

# [sig-apps] DisruptionController should block an eviction until the PDB is updated to allow it:
# evictions get 429 while the budget allows no disruption, and succeed after it is raised.
t_sig_apps_disruptioncontroller_should_block_an_eviction_until_the_pdb_is_updated_to_allow_it() {
  pdb_yaml foo 'maxUnavailable: 0' | kubectl apply -f - >/dev/null
  pdb_pods 3
  apps_wait pdb/foo '{.status.currentHealthy}/{.status.disruptionsAllowed}' 3/0
  expect_eq "$(pdb_evict pod-0)" 429
  expect_eq "$(kubectl get pod pod-0 -o jsonpath='{.metadata.deletionTimestamp}')" ""
  # Raise the budget: minAvailable 2 of 3 allows one eviction.
  kubectl get pdb foo -o json | jq 'del(.spec.maxUnavailable) | .spec.minAvailable = 2' | kubectl replace -f - >/dev/null
  pdb_processed foo
  apps_wait pdb/foo '{.status.disruptionsAllowed}' 1
  expect_eq "$(pdb_evict pod-0)" 201
  # Evicted: terminating or already gone (kubectl's NotFound error is output too).
  eventually 30 sh -c '[ -n "$(kubectl get pod pod-0 -o jsonpath="{.metadata.deletionTimestamp}" 2>&1)" ]'
  # Lower it again by patch: the next eviction is blocked.
  kubectl patch pdb foo --type=merge -p '{"spec":{"minAvailable":3}}' >/dev/null
  pdb_processed foo
  apps_wait pdb/foo '{.status.disruptionsAllowed}' 0
  expect_eq "$(pdb_evict pod-1)" 429
  # Without the PDB nothing blocks.
  kubectl delete pdb foo >/dev/null
  expect_eq "$(pdb_evict pod-1)" 201
}

# [sig-apps] DisruptionController should create a PodDisruptionBudget: create, update, patch and
# delete a PDB; the controller observes each generation.
t_sig_apps_disruptioncontroller_should_create_a_poddisruptionbudget() {
  pdb_yaml foo 'minAvailable: 2' | kubectl apply -f - >/dev/null
  pdb_processed foo
  kubectl get pdb foo -o json | jq '.metadata.annotations.updated = "true" | .spec.minAvailable = 3' | kubectl replace -f - >/dev/null
  expect_eq "$(kubectl get pdb foo -o jsonpath='{.metadata.annotations.updated}/{.spec.minAvailable}')" true/3
  pdb_processed foo
  kubectl patch pdb foo --type=merge -p '{"metadata":{"annotations":{"patched":"true"}},"spec":{"minAvailable":"50%"}}' >/dev/null
  expect_eq "$(kubectl get pdb foo -o jsonpath='{.metadata.annotations.patched}/{.spec.minAvailable}')" true/50%
  pdb_processed foo
  kubectl delete pdb foo >/dev/null
  expect_fail kubectl get pdb foo
}

# [sig-apps] DisruptionController should observe PodDisruptionBudget status updated: the
# controller fills in the healthy counts and how many disruptions are allowed.
t_sig_apps_disruptioncontroller_should_observe_poddisruptionbudget_status_updated() {
  pdb_yaml foo 'minAvailable: 1' | kubectl apply -f - >/dev/null
  pdb_pods 3
  apps_wait pdb/foo '{.status.expectedPods}/{.status.currentHealthy}/{.status.desiredHealthy}/{.status.disruptionsAllowed}' 3/3/1/2
  expect_eq "$(kubectl get pdb foo -o jsonpath='{.status.conditions[?(@.type=="DisruptionAllowed")].status}')" True
}

# [sig-apps] DisruptionController should update/patch PodDisruptionBudget status: replace the
# status with a disrupted pod (an existing one, so the controller keeps it), then merge-patch it
# away.
t_sig_apps_disruptioncontroller_should_update_patch_poddisruptionbudget_status() {
  pdb_yaml foo 'minAvailable: 1' | kubectl apply -f - >/dev/null
  pdb_pods 1
  pdb_processed foo
  local now; now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  kubectl get pdb foo --subresource=status -o json | jq --arg t "$now" '.status.disruptedPods = {"pod-0": $t}' |
    kubectl replace --subresource=status -f - >/dev/null
  expect_eq "$(kubectl get pdb foo --subresource=status -o jsonpath='{.status.disruptedPods.pod-0}')" "$now"
  kubectl patch pdb foo --subresource=status --type=merge -p '{"status":{"disruptedPods":null}}' >/dev/null
  expect_eq "$(kubectl get pdb foo --subresource=status -o jsonpath='{.status.disruptedPods}')" ""
}

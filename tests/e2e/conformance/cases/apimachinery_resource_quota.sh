# Conformance: test/e2e/apimachinery/resource_quota.go (sig-api-machinery ResourceQuota).

# rq_get QUOTA FIELD RESOURCE: one entry of status.used / status.hard / spec.hard ("" if absent).
rq_get() {
  kubectl get resourcequota "$1" -o json | python3 -c '
import json, sys
o = json.load(sys.stdin)
a, b = sys.argv[1].split(".")
print(o.get(a, {}).get(b, {}).get(sys.argv[2], ""))' "$2" "$3"
}

# rq_check_used QUOTA RES=VALUE...: every listed status.used entry has that value.
rq_check_used() {
  local q="$1" kv got; shift
  for kv in "$@"; do
    got="$(rq_get "$q" status.used "${kv%%=*}")"
    if [ "$got" != "${kv#*=}" ]; then echo "$q used ${kv%%=*}: want ${kv#*=}, got [$got]"; return 1; fi
  done
}

# rq_wait_used QUOTA RES=VALUE...: waits (15 s) for the controller to report that usage.
rq_wait_used() { eventually 15 rq_check_used "$@"; }

# rq_used_is_count QUOTA RESOURCE KIND [NAME]: status.used.RESOURCE is the number of KIND
# objects in the namespace, and (with NAME) KIND/NAME exists, (without) it was not just deleted.
rq_used_is_count() {
  local objs n
  objs="$(kubectl get "$3" -o name)"
  n="$(grep -c . <<<"$objs" || true)"
  if [ -n "${4:-}" ] && ! grep -q "/$4\$" <<<"$objs"; then echo "no $3/$4"; return 1; fi
  if [ -z "${4:-}" ] && grep -q "/test-" <<<"$objs"; then echo "test object still listed"; return 1; fi
  [ "$(rq_get "$1" status.used "$2")" = "$n" ] || { echo "used $2 != $n"; return 1; }
}

# rq_hard_synced QUOTA: status.hard equals spec.hard.
rq_hard_synced() {
  local spec status
  spec="$(kubectl get resourcequota "$1" -o jsonpath='{.spec.hard}')"
  status="$(kubectl get resourcequota "$1" -o jsonpath='{.status.hard}')"
  [ -n "$status" ] && [ "$spec" = "$status" ]
}

# rq_quota NAME: kube's test quota (object counts, compute and an extended resource).
rq_quota() {
  cat <<YAML
apiVersion: v1
kind: ResourceQuota
metadata:
  name: $1
spec:
  hard:
    pods: "5"
    services: "10"
    services.nodeports: "1"
    services.loadbalancers: "1"
    replicationcontrollers: "10"
    resourcequotas: "1"
    cpu: "1"
    memory: 500Mi
    configmaps: "10"
    secrets: "10"
    persistentvolumeclaims: "10"
    requests.storage: 10Gi
    ephemeral-storage: 50Gi
    count/replicasets.apps: "5"
    requests.example.com/dongle: "3"
YAML
}

# rq_scoped_quota NAME SCOPE: pods (and compute for the Terminating scopes) under one scope.
rq_scoped_quota() {
  cat <<YAML
apiVersion: v1
kind: ResourceQuota
metadata:
  name: $1
spec:
  scopes: [$2]
  hard:
    pods: "5"
YAML
  case "$2" in
    Terminating|NotTerminating)
      printf '    requests.cpu: "1"\n    requests.memory: 500Mi\n    limits.cpu: "2"\n    limits.memory: 1Gi\n' ;;
  esac
}

# rq_pod NAME REQUESTS-JSON LIMITS-JSON [EXTRA-SPEC-YAML]: a pod with those resources.
rq_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  terminationGracePeriodSeconds: 1
  ${4:-}
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
    resources: {requests: $2, limits: $3}
YAML
}

# [sig-api-machinery] ResourceQuota should create a ResourceQuota and ensure its status is
# promptly calculated: a new quota reports status.hard = spec.hard and zero usage (itself counted,
# and the namespace's kube-root-ca.crt ConfigMap, as in kube).
t_sig_api_machinery_resourcequota_should_create_a_resourcequota_and_ensure_its_status_is_promptly_calculated() {
  rq_quota test-quota | kubectl create -f - >/dev/null
  rq_wait_used test-quota resourcequotas=1 pods=0 services=0 services.nodeports=0 \
    services.loadbalancers=0 replicationcontrollers=0 cpu=0 memory=0 configmaps=1 secrets=0 \
    persistentvolumeclaims=0 requests.storage=0 ephemeral-storage=0 count/replicasets.apps=0 \
    requests.example.com/dongle=0
  eventually 5 rq_hard_synced test-quota
}

# [sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a
# service: ClusterIP and NodePort services are counted, a LoadBalancer exceeding the node port
# quota is refused, deleting the services releases the usage.
t_sig_api_machinery_resourcequota_should_create_a_resourcequota_and_capture_the_life_of_a_service() {
  rq_quota test-quota | kubectl create -f - >/dev/null
  rq_wait_used test-quota resourcequotas=1 services=0 services.nodeports=0
  kubectl create service clusterip test-service --tcp=80:80 >/dev/null
  kubectl create service nodeport test-service-np --tcp=80:80 >/dev/null
  expect_fail kubectl create service loadbalancer test-service-lb --tcp=80:80
  expect_contains "$OUT" 'exceeded quota: test-quota, requested: services.nodeports=1, used: services.nodeports=1, limited: services.nodeports=1'
  rq_wait_used test-quota resourcequotas=1 services=2 services.nodeports=1 services.loadbalancers=0
  kubectl delete service test-service test-service-np >/dev/null
  rq_wait_used test-quota services=0 services.nodeports=0 services.loadbalancers=0
}

# [sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a
# configMap: status.used.configmaps follows the config maps of the namespace (also ones the
# cluster adds itself, e.g. kube-root-ca.crt) through a create and a delete.
t_sig_api_machinery_resourcequota_should_create_a_resourcequota_and_capture_the_life_of_a_configmap() {
  rq_quota test-quota | kubectl create -f - >/dev/null
  rq_wait_used test-quota resourcequotas=1
  eventually 15 rq_used_is_count test-quota configmaps configmaps
  kubectl create configmap test-configmap --from-literal=a=b >/dev/null
  eventually 15 rq_used_is_count test-quota configmaps configmaps test-configmap
  expect_match "$(rq_get test-quota status.used configmaps)" '^[1-9][0-9]*$'
  kubectl delete configmap test-configmap >/dev/null
  eventually 15 rq_used_is_count test-quota configmaps configmaps
}

# [sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a
# secret: status.used.secrets follows the secrets of the namespace through a create and a delete.
t_sig_api_machinery_resourcequota_should_create_a_resourcequota_and_capture_the_life_of_a_secret() {
  rq_quota test-quota | kubectl create -f - >/dev/null
  rq_wait_used test-quota resourcequotas=1
  eventually 15 rq_used_is_count test-quota secrets secrets
  kubectl create secret generic test-secret --from-literal=a=b >/dev/null
  eventually 15 rq_used_is_count test-quota secrets secrets test-secret
  rq_check_used test-quota resourcequotas=1
  expect_match "$(rq_get test-quota status.used secrets)" '^[1-9][0-9]*$'
  kubectl delete secret test-secret >/dev/null
  eventually 15 rq_used_is_count test-quota secrets secrets
}

# [sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a pod:
# a pod's requests (cpu, memory, ephemeral storage, an extended resource) are charged; pods over
# the remaining quota are refused; its resources cannot be updated; deleting it releases all.
t_sig_api_machinery_resourcequota_should_create_a_resourcequota_and_capture_the_life_of_a_pod() {
  rq_quota test-quota | kubectl create -f - >/dev/null
  rq_wait_used test-quota resourcequotas=1 pods=0 cpu=0 memory=0
  rq_pod test-pod '{cpu: 500m, memory: 252Mi, ephemeral-storage: 30Gi, example.com/dongle: "2"}' \
    '{example.com/dongle: "2"}' | kubectl create -f - >/dev/null
  rq_wait_used test-quota pods=1 cpu=500m memory=252Mi ephemeral-storage=30Gi \
    requests.example.com/dongle=2
  expect_fail kubectl create -f - <<<"$(rq_pod fail-pod '{cpu: 600m, memory: 100Mi}' '{}')"
  expect_contains "$OUT" 'pods "fail-pod" is forbidden: exceeded quota: test-quota, requested: cpu=600m, used: cpu=500m, limited: cpu=1'
  expect_fail kubectl create -f - <<<"$(rq_pod fail-pod \
    '{cpu: 500m, memory: 100Mi, ephemeral-storage: 30Gi, example.com/dongle: "2"}' \
    '{example.com/dongle: "2"}')"
  expect_contains "$OUT" 'exceeded quota: test-quota'
  expect_contains "$OUT" 'requests.example.com/dongle=2'
  expect_fail kubectl patch pod test-pod --type=json -p \
    '[{"op":"replace","path":"/spec/containers/0/resources/requests","value":{"cpu":"100m","memory":"100Mi","ephemeral-storage":"10Gi","example.com/dongle":"2"}}]'
  rq_check_used test-quota pods=1 cpu=500m memory=252Mi ephemeral-storage=30Gi
  kubectl delete pod test-pod --grace-period=0 --force >/dev/null 2>&1
  rq_wait_used test-quota pods=0 cpu=0 memory=0 ephemeral-storage=0 requests.example.com/dongle=0
}

# [sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a
# replica set: count/replicasets.apps follows a ReplicaSet's creation and deletion.
t_sig_api_machinery_resourcequota_should_create_a_resourcequota_and_capture_the_life_of_a_replica_set() {
  rq_quota test-quota | kubectl create -f - >/dev/null
  rq_wait_used test-quota resourcequotas=1 count/replicasets.apps=0
  kubectl create -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: test-rs}
spec:
  replicas: 0
  selector: {matchLabels: {name: test-rs}}
  template:
    metadata: {labels: {name: test-rs}}
    spec: {containers: [{name: c, image: $IMG}]}
YAML
  rq_wait_used test-quota count/replicasets.apps=1
  kubectl delete replicaset test-rs >/dev/null
  rq_wait_used test-quota count/replicasets.apps=0
}

# [sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a
# replication controller: status.used.replicationcontrollers follows an RC's life.
t_sig_api_machinery_resourcequota_should_create_a_resourcequota_and_capture_the_life_of_a_replication_controller() {
  rq_quota test-quota | kubectl create -f - >/dev/null
  rq_wait_used test-quota resourcequotas=1 replicationcontrollers=0
  kubectl create -f - >/dev/null <<YAML
apiVersion: v1
kind: ReplicationController
metadata: {name: test-rc}
spec:
  replicas: 0
  selector: {name: test-rc}
  template:
    metadata: {labels: {name: test-rc}}
    spec: {containers: [{name: c, image: $IMG}]}
YAML
  rq_wait_used test-quota replicationcontrollers=1
  kubectl delete replicationcontroller test-rc --cascade=background >/dev/null
  rq_wait_used test-quota replicationcontrollers=0
}

# [sig-api-machinery] ResourceQuota should verify ResourceQuota with best effort scope: a
# best-effort pod is charged only to the BestEffort quota, a pod with resources only to the
# NotBestEffort one; deleting each releases it.
t_sig_api_machinery_resourcequota_should_verify_resourcequota_with_best_effort_scope() {
  rq_scoped_quota quota-besteffort BestEffort | kubectl create -f - >/dev/null
  rq_scoped_quota quota-not-besteffort NotBestEffort | kubectl create -f - >/dev/null
  rq_wait_used quota-besteffort pods=0
  rq_wait_used quota-not-besteffort pods=0
  rq_pod be-pod '{}' '{}' | kubectl create -f - >/dev/null
  rq_wait_used quota-besteffort pods=1
  rq_check_used quota-not-besteffort pods=0
  kubectl delete pod be-pod --grace-period=0 --force >/dev/null 2>&1
  rq_wait_used quota-besteffort pods=0
  rq_pod nbe-pod '{cpu: 500m, memory: 200Mi}' '{cpu: "1", memory: 400Mi}' |
    kubectl create -f - >/dev/null
  rq_wait_used quota-not-besteffort pods=1
  rq_check_used quota-besteffort pods=0
  kubectl delete pod nbe-pod --grace-period=0 --force >/dev/null 2>&1
  rq_wait_used quota-not-besteffort pods=0
}

# [sig-api-machinery] ResourceQuota should verify ResourceQuota with terminating scopes: a pod
# without activeDeadlineSeconds is charged to the NotTerminating quota, one with it to the
# Terminating quota; deleting each releases it.
t_sig_api_machinery_resourcequota_should_verify_resourcequota_with_terminating_scopes() {
  local charged='pods=1 requests.cpu=500m requests.memory=200Mi limits.cpu=1 limits.memory=400Mi'
  local zero='pods=0 requests.cpu=0 requests.memory=0 limits.cpu=0 limits.memory=0'
  rq_scoped_quota quota-terminating Terminating | kubectl create -f - >/dev/null
  rq_scoped_quota quota-not-terminating NotTerminating | kubectl create -f - >/dev/null
  # shellcheck disable=SC2086
  rq_wait_used quota-terminating $zero
  # shellcheck disable=SC2086
  rq_wait_used quota-not-terminating $zero
  rq_pod long-pod '{cpu: 500m, memory: 200Mi}' '{cpu: "1", memory: 400Mi}' |
    kubectl create -f - >/dev/null
  # shellcheck disable=SC2086
  rq_wait_used quota-not-terminating $charged
  # shellcheck disable=SC2086
  rq_check_used quota-terminating $zero
  kubectl delete pod long-pod --grace-period=0 --force >/dev/null 2>&1
  # shellcheck disable=SC2086
  rq_wait_used quota-not-terminating $zero
  rq_pod short-pod '{cpu: 500m, memory: 200Mi}' '{cpu: "1", memory: 400Mi}' \
    'activeDeadlineSeconds: 3600' | kubectl create -f - >/dev/null
  # shellcheck disable=SC2086
  rq_wait_used quota-terminating $charged
  # shellcheck disable=SC2086
  rq_check_used quota-not-terminating $zero
  kubectl delete pod short-pod --grace-period=0 --force >/dev/null 2>&1
  # shellcheck disable=SC2086
  rq_wait_used quota-terminating $zero
}

# [sig-api-machinery] ResourceQuota should be able to update and delete ResourceQuota: updating
# the cpu/memory limits sticks; after a delete the quota is gone.
t_sig_api_machinery_resourcequota_should_be_able_to_update_and_delete_resourcequota() {
  kubectl create quota test-quota --hard=cpu=1,memory=500Mi >/dev/null
  expect_eq "$(rq_get test-quota spec.hard cpu)/$(rq_get test-quota spec.hard memory)" 1/500Mi
  kubectl get resourcequota test-quota -o json | python3 -c '
import json, sys
o = json.load(sys.stdin); o["spec"]["hard"] = {"cpu": "2", "memory": "1Gi"}; print(json.dumps(o))' |
    kubectl replace -f - >/dev/null
  expect_eq "$(rq_get test-quota spec.hard cpu)/$(rq_get test-quota spec.hard memory)" 2/1Gi
  kubectl delete resourcequota test-quota >/dev/null
  expect_fail kubectl get resourcequota test-quota
  expect_contains "$OUT" 'NotFound'
}

# [sig-api-machinery] ResourceQuota should manage the lifecycle of a ResourceQuota: a labelled
# quota is found by a cluster-wide label-selector list, can be patched, and a deletecollection
# with that selector removes it.
t_sig_api_machinery_resourcequota_should_manage_the_lifecycle_of_a_resourcequota() {
  kubectl create -f - >/dev/null <<YAML
apiVersion: v1
kind: ResourceQuota
metadata: {name: e2e-quota, labels: {e2e-rq-label: "$NS"}}
spec: {hard: {cpu: "1", memory: 500Mi}}
YAML
  expect_eq "$(kubectl get resourcequota -A -l "e2e-rq-label=$NS" -o name)" resourcequota/e2e-quota
  kubectl patch resourcequota e2e-quota -p \
    "{\"metadata\":{\"labels\":{\"e2e-rq-patched\":\"$NS\"}},\"spec\":{\"hard\":{\"cpu\":\"2\",\"memory\":\"1Gi\"}}}" >/dev/null
  expect_eq "$(rq_get e2e-quota spec.hard cpu)/$(rq_get e2e-quota spec.hard memory)" 2/1Gi
  expect_eq "$(kubectl get resourcequota e2e-quota -o jsonpath='{.metadata.labels.e2e-rq-patched}')" "$NS"
  out="$(api DELETE "/api/v1/namespaces/$NS/resourcequotas?labelSelector=e2e-rq-label%3D$NS")"
  expect_contains "$out" '"kind":"ResourceQuotaList"'
  expect_eq "$(kubectl get resourcequota -A -l "e2e-rq-label=$NS" -o name)" ""
}

# [sig-api-machinery] ResourceQuota should apply changes to a resourcequota status: /status
# updates and patches change status.hard (not the spec); a spec patch makes the controller set
# status.hard to the new spec.
t_sig_api_machinery_resourcequota_should_apply_changes_to_a_resourcequota_status() {
  local path="/api/v1/namespaces/$NS/resourcequotas/e2e-rq-status" out
  kubectl create quota e2e-rq-status --hard=cpu=500m,memory=500Mi >/dev/null
  eventually 15 rq_hard_synced e2e-rq-status
  # Update /status (PUT) with other hard values.
  out="$(kubectl get resourcequota e2e-rq-status -o json | python3 -c '
import json, sys
o = json.load(sys.stdin); o["status"]["hard"] = {"cpu": "1", "memory": "1Gi"}; print(json.dumps(o))' |
    api PUT "$path/status" -H 'Content-Type: application/json' --data-binary @-)"
  expect_contains "$out" '"hard":{"cpu":"1","memory":"1Gi"}'
  expect_eq "$(rq_get e2e-rq-status status.hard cpu)/$(rq_get e2e-rq-status spec.hard cpu)" 1/500m
  # Patch the spec to those values: status.hard follows the spec.
  kubectl patch resourcequota e2e-rq-status -p '{"spec":{"hard":{"cpu":"1","memory":"1Gi"}}}' >/dev/null
  eventually 15 rq_hard_synced e2e-rq-status
  # Patch /status.
  out="$(api PATCH "$path/status" -H 'Content-Type: application/merge-patch+json' \
    -d '{"status":{"hard":{"cpu":"2","memory":"2Gi"}}}')"
  expect_contains "$out" '"hard":{"cpu":"2","memory":"2Gi"}'
  out="$(api GET "$path/status")"
  expect_contains "$out" '"status":{"hard":{"cpu":"2","memory":"2Gi"}'
  expect_eq "$(rq_get e2e-rq-status spec.hard cpu)/$(rq_get e2e-rq-status spec.hard memory)" 1/1Gi
  # Repatch /status back to the spec values; the spec stayed as it was.
  api PATCH "$path/status" -H 'Content-Type: application/merge-patch+json' \
    -d '{"status":{"hard":{"cpu":"1","memory":"1Gi"}}}' >/dev/null
  eventually 15 rq_hard_synced e2e-rq-status
  expect_eq "$(rq_get e2e-rq-status spec.hard cpu)/$(rq_get e2e-rq-status spec.hard memory)" 1/1Gi
}

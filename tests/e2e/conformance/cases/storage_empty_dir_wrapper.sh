# Conformance: test/e2e/storage/empty_dir_wrapper.go (sig-storage EmptyDir wrapper volumes).
# Helpers (storage_vol_*) are in common_storage_configmap_volume.sh.

# [sig-storage] EmptyDir wrapper volumes should not conflict: a Secret volume and a ConfigMap
# volume in one pod both mount and the pod runs; deleting it cleans up.
t_sig_storage_emptydir_wrapper_volumes_should_not_conflict() {
  storage_vol_secret s data-1=secret-1
  storage_vol_cm cm data-1=configmap-1
  storage_vol_pod p "[{name: secret-volume, secret: {secretName: s}}, {name: configmap-volume, configMap: {name: cm}}]" \
    "[{name: secret-volume, mountPath: /etc/secret-volume, readOnly: true}, {name: configmap-volume, mountPath: /etc/configmap-volume}]" \
    'sleep 3600' '' Always | kubectl apply -f - >/dev/null
  wait_running p
  storage_vol_file_is p /etc/secret-volume/data-1 secret-1
  storage_vol_file_is p /etc/configmap-volume/data-1 configmap-1
  kubectl delete pod p --wait=false >/dev/null
  wait_gone p 60
}

# [sig-storage] EmptyDir wrapper volumes should not cause race condition when used for configmaps:
# 50 ConfigMaps, 3 rounds of 5 replicas that each mount all of them; every round all pods run.
# (A ReplicaSet stands in for the kube test's ReplicationController.)
t_sig_storage_emptydir_wrapper_volumes_should_not_cause_race_condition_when_used_for_configmaps() {
  local i vols="" mounts="" round
  for i in $(seq 0 49); do
    storage_vol_cm "racey-configmap-$i" "data-1=value-$i"
    vols="$vols{name: racey-configmap-$i, configMap: {name: racey-configmap-$i}}, "
    mounts="$mounts{name: racey-configmap-$i, mountPath: /etc/config-$i}, "
  done
  for round in 1 2 3; do
    cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: wrapped-volume-race}
spec:
  replicas: 5
  selector: {matchLabels: {app: wrapped-volume-race}}
  template:
    metadata: {labels: {app: wrapped-volume-race}}
    spec:
      terminationGracePeriodSeconds: 1
      volumes: [${vols%, }]
      containers:
      - name: c
        image: $IMG
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "cat /etc/config-49/data-1 && sleep 3600"]
        volumeMounts: [${mounts%, }]
YAML
    wait_ready_count app=wrapped-volume-race 5 120 || { echo "round $round"; kubectl get pods -o wide; return 1; }
    pod="$(kubectl get pods -l app=wrapped-volume-race -o jsonpath='{.items[0].metadata.name}')"
    storage_vol_file_is "$pod" /etc/config-17/data-1 value-17
    kubectl delete replicaset wrapped-volume-race >/dev/null
    eventually 90 sh -c '[ -z "$(kubectl get pods -l app=wrapped-volume-race -o name)" ]'
  done
}
CONF_SERIAL+=" t_sig_storage_emptydir_wrapper_volumes_should_not_cause_race_condition_when_used_for_configmaps"

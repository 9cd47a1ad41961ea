# Conformance: test/e2e/common/storage/downwardapi_volume.go (sig-storage Downward API volume).
# Helpers (storage_vol_*) are in common_storage_configmap_volume.sh; the storage_vol_dapi_*
# functions here also serve common_storage_projected_downwardapi.sh (KIND "projected").

# storage_vol_dapi_vol KIND 'ITEMS (flow list)' [DEFAULT-MODE]: the podinfo volume, a downwardAPI
# volume (KIND downwardAPI) or a projected one with a downwardAPI source (KIND projected).
storage_vol_dapi_vol() {
  local mode=""
  [ -n "${3:-}" ] && mode=", defaultMode: $3"
  if [ "$1" = projected ]; then
    echo "[{name: podinfo, projected: {sources: [{downwardAPI: {items: $2}}]$mode}}]"
  else
    echo "[{name: podinfo, downwardAPI: {items: $2$mode}}]"
  fi
}

STORAGE_VOL_RESOURCES='resources: {limits: {cpu: 1250m, memory: 64Mi}, requests: {cpu: 250m, memory: 32Mi}}'

# storage_vol_dapi_resource KIND RESOURCE EXPECTED [CONTAINER-EXTRA]: the file for
# resourceFieldRef RESOURCE of container c holds EXPECTED.
storage_vol_dapi_resource() {
  storage_vol_run p "$(storage_vol_dapi_vol "$1" "[{path: value, resourceFieldRef: {containerName: c, resource: $2}}]")" \
    "[{name: podinfo, mountPath: /etc/podinfo}]" 'show /etc/podinfo/value' '' "${4:-$STORAGE_VOL_RESOURCES}"
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/podinfo/value: $3"
}

# storage_vol_dapi_allocatable KIND cpu|memory: without limits, limits.X is the node's allocatable.
storage_vol_dapi_allocatable() {
  local alloc want
  alloc="$(kubectl get node "$NODE" -o jsonpath="{.status.allocatable.$2}")"
  if [ "$2" = cpu ]; then
    want=$(( ($(storage_vol_qty "$alloc" milli) + 999) / 1000 ))
  else
    want="$(storage_vol_qty "$alloc")"
  fi
  [ "$want" -gt 0 ] || { echo "node allocatable $2 = [$alloc]"; return 1; }
  storage_vol_dapi_resource "$1" "limits.$2" "$want" 'resources: {}'
}

# storage_vol_dapi_podname KIND [DEFAULT-MODE] [ITEM-MODE] EXPECTED-MODE: the podname file.
storage_vol_dapi_podname() {
  local item_mode=""
  [ -n "${3:-}" ] && item_mode=", mode: $3"
  storage_vol_run p "$(storage_vol_dapi_vol "$1" "[{path: podname, fieldRef: {fieldPath: metadata.name}$item_mode}]" "${2:-}")" \
    "[{name: podinfo, mountPath: /etc/podinfo}]" 'show /etc/podinfo/podname'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/podinfo/podname: p" "mode of /etc/podinfo/podname: $4"
}

# storage_vol_dapi_update KIND labels|annotations: a new label/annotation of the running pod
# shows up in the file (created, not applied: apply would add its own annotation).
storage_vol_dapi_update() {
  local kind="$1" what="$2"
  VOL_LABELS='key1: value1, key2: value2' VOL_ANNOTATIONS='builder: bar' \
    storage_vol_pod p "$(storage_vol_dapi_vol "$kind" "[{path: $what, fieldRef: {fieldPath: metadata.$what}}]")" \
    "[{name: podinfo, mountPath: /etc/podinfo}]" 'sleep 3600' '' Always | kubectl create -f - >/dev/null
  wait_running p
  if [ "$what" = labels ]; then
    storage_vol_file_is p /etc/podinfo/labels "$(printf 'key1="value1"\nkey2="value2"')"
    kubectl label pod p key3=value3 >/dev/null
    eventually 30 storage_vol_file_is p /etc/podinfo/labels "$(printf 'key1="value1"\nkey2="value2"\nkey3="value3"')"
  else
    storage_vol_file_is p /etc/podinfo/annotations 'builder="bar"'
    kubectl annotate pod p --overwrite builder=foo >/dev/null
    eventually 30 storage_vol_file_is p /etc/podinfo/annotations 'builder="foo"'
  fi
}

# [sig-storage] Downward API volume should provide podname only: the file holds the pod's name.
t_sig_storage_downward_api_volume_should_provide_podname_only() {
  storage_vol_dapi_podname downwardAPI "" "" -rw-r--r--
}
# [sig-storage] Downward API volume should set DefaultMode on files: defaultMode 0400.
t_sig_storage_downward_api_volume_should_set_defaultmode_on_files() {
  storage_vol_dapi_podname downwardAPI 256 "" -r--------
}
# [sig-storage] Downward API volume should set mode on item file: item mode 0400.
t_sig_storage_downward_api_volume_should_set_mode_on_item_file() {
  storage_vol_dapi_podname downwardAPI "" 256 -r--------
}
# [sig-storage] Downward API volume should provide container's cpu limit: 1250m -> 2 (rounded up).
t_sig_storage_downward_api_volume_should_provide_container_s_cpu_limit() {
  storage_vol_dapi_resource downwardAPI limits.cpu 2
}
# [sig-storage] Downward API volume should provide container's cpu request: 250m -> 1.
t_sig_storage_downward_api_volume_should_provide_container_s_cpu_request() {
  storage_vol_dapi_resource downwardAPI requests.cpu 1
}
# [sig-storage] Downward API volume should provide container's memory limit: 64Mi in bytes.
t_sig_storage_downward_api_volume_should_provide_container_s_memory_limit() {
  storage_vol_dapi_resource downwardAPI limits.memory 67108864
}
# [sig-storage] Downward API volume should provide container's memory request: 32Mi in bytes.
t_sig_storage_downward_api_volume_should_provide_container_s_memory_request() {
  storage_vol_dapi_resource downwardAPI requests.memory 33554432
}
# [sig-storage] Downward API volume should provide node allocatable (cpu) as default cpu limit if
# the limit is not set
t_sig_storage_downward_api_volume_should_provide_node_allocatable_cpu_as_default_cpu_limit_if_the_limit_is_not_set() {
  storage_vol_dapi_allocatable downwardAPI cpu
}
# [sig-storage] Downward API volume should provide node allocatable (memory) as default memory
# limit if the limit is not set
t_sig_storage_downward_api_volume_should_provide_node_allocatable_memory_as_default_memory_limit_if_the_limit_is_not_set() {
  storage_vol_dapi_allocatable downwardAPI memory
}
# [sig-storage] Downward API volume should update labels on modification
t_sig_storage_downward_api_volume_should_update_labels_on_modification() {
  storage_vol_dapi_update downwardAPI labels
}
# [sig-storage] Downward API volume should update annotations on modification
t_sig_storage_downward_api_volume_should_update_annotations_on_modification() {
  storage_vol_dapi_update downwardAPI annotations
}

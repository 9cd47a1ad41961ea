# Conformance: test/e2e/common/storage/projected_downwardapi.go (sig-storage Projected downwardAPI).
# The same checks as common_storage_downwardapi_volume.sh, through a projected volume.

# [sig-storage] Projected downwardAPI should provide podname only: the file holds the pod's name.
t_sig_storage_projected_downwardapi_should_provide_podname_only() {
  storage_vol_dapi_podname projected "" "" -rw-r--r--
}
# [sig-storage] Projected downwardAPI should set DefaultMode on files: defaultMode 0400.
t_sig_storage_projected_downwardapi_should_set_defaultmode_on_files() {
  storage_vol_dapi_podname projected 256 "" -r--------
}
# [sig-storage] Projected downwardAPI should set mode on item file: item mode 0400.
t_sig_storage_projected_downwardapi_should_set_mode_on_item_file() {
  storage_vol_dapi_podname projected "" 256 -r--------
}
# [sig-storage] Projected downwardAPI should provide container's cpu limit: 1250m -> 2 (rounded up).
t_sig_storage_projected_downwardapi_should_provide_container_s_cpu_limit() {
  storage_vol_dapi_resource projected limits.cpu 2
}
# [sig-storage] Projected downwardAPI should provide container's cpu request: 250m -> 1.
t_sig_storage_projected_downwardapi_should_provide_container_s_cpu_request() {
  storage_vol_dapi_resource projected requests.cpu 1
}
# [sig-storage] Projected downwardAPI should provide container's memory limit: 64Mi in bytes.
t_sig_storage_projected_downwardapi_should_provide_container_s_memory_limit() {
  storage_vol_dapi_resource projected limits.memory 67108864
}
# [sig-storage] Projected downwardAPI should provide container's memory request: 32Mi in bytes.
t_sig_storage_projected_downwardapi_should_provide_container_s_memory_request() {
  storage_vol_dapi_resource projected requests.memory 33554432
}
# [sig-storage] Projected downwardAPI should provide node allocatable (cpu) as default cpu limit if
# the limit is not set
t_sig_storage_projected_downwardapi_should_provide_node_allocatable_cpu_as_default_cpu_limit_if_the_limit_is_not_set() {
  storage_vol_dapi_allocatable projected cpu
}
# [sig-storage] Projected downwardAPI should provide node allocatable (memory) as default memory
# limit if the limit is not set
t_sig_storage_projected_downwardapi_should_provide_node_allocatable_memory_as_default_memory_limit_if_the_limit_is_not_set() {
  storage_vol_dapi_allocatable projected memory
}
# [sig-storage] Projected downwardAPI should update labels on modification
t_sig_storage_projected_downwardapi_should_update_labels_on_modification() {
  storage_vol_dapi_update projected labels
}
# [sig-storage] Projected downwardAPI should update annotations on modification
t_sig_storage_projected_downwardapi_should_update_annotations_on_modification() {
  storage_vol_dapi_update projected annotations
}

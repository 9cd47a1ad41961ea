# Conformance: test/e2e/common/storage/projected_combined.go (sig-storage Projected combined).
# Helpers (storage_vol_*) are in common_storage_configmap_volume.sh.

# [sig-storage] Projected combined should project all components that make up the projection API:
# one projected volume with a ConfigMap, a Secret and the downward API (pod name).
t_sig_storage_projected_combined_should_project_all_components_that_make_up_the_projection_api_projection() {
  storage_vol_cm cm configmap-data=configmap-value-1
  storage_vol_secret s secret-data=secret-value-1
  storage_vol_run p "[{name: all-in-one, projected: {sources: [
      {secret: {name: s, items: [{key: secret-data, path: secret-data}]}},
      {configMap: {name: cm, items: [{key: configmap-data, path: configmap-data}]}},
      {downwardAPI: {items: [{path: podname, fieldRef: {fieldPath: metadata.name}}]}}]}}]" \
    "[{name: all-in-one, mountPath: /all}]" 'show /all/podname /all/secret-data /all/configmap-data'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /all/podname: p" \
    "content of /all/secret-data: secret-value-1" "content of /all/configmap-data: configmap-value-1"
}

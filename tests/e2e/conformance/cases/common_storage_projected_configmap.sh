# Conformance: test/e2e/common/storage/projected_configmap.go (sig-storage Projected configMap).
# Helpers (storage_vol_*) are in common_storage_configmap_volume.sh.

# [sig-storage] Projected configMap should be consumable from pods in volume: all keys, mode 0644.
t_sig_storage_projected_configmap_should_be_consumable_from_pods_in_volume() {
  storage_vol_cm cm data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, projected: {sources: [{configMap: {name: cm}}]}}]" \
    "[{name: v, mountPath: /etc/projected-configmap-volume}]" \
    'show /etc/projected-configmap-volume/data-1 /etc/projected-configmap-volume/data-2'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/projected-configmap-volume/data-1: value-1" \
    "mode of /etc/projected-configmap-volume/data-1: -rw-r--r--" \
    "content of /etc/projected-configmap-volume/data-2: value-2"
}

# [sig-storage] Projected configMap should be consumable from pods in volume with defaultMode set:
# the projected volume's defaultMode 0400.
t_sig_storage_projected_configmap_should_be_consumable_from_pods_in_volume_with_defaultmode_set() {
  storage_vol_cm cm data-1=value-1
  storage_vol_run p "[{name: v, projected: {defaultMode: 256, sources: [{configMap: {name: cm}}]}}]" \
    "[{name: v, mountPath: /etc/projected-configmap-volume}]" 'show /etc/projected-configmap-volume/data-1'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/projected-configmap-volume/data-1: value-1" \
    "mode of /etc/projected-configmap-volume/data-1: -r--------"
}

# [sig-storage] Projected configMap should be consumable from pods in volume as non-root: uid 1000.
t_sig_storage_projected_configmap_should_be_consumable_from_pods_in_volume_as_non_root() {
  storage_vol_cm cm data-1=value-1
  storage_vol_run p "[{name: v, projected: {sources: [{configMap: {name: cm}}]}}]" \
    "[{name: v, mountPath: /etc/projected-configmap-volume}]" \
    'echo uid=$(id -u); show /etc/projected-configmap-volume/data-1' 'runAsUser: 1000'
  storage_vol_expect "$STORAGE_VOL_OUT" "uid=1000" "content of /etc/projected-configmap-volume/data-1: value-1" \
    "mode of /etc/projected-configmap-volume/data-1: -rw-r--r--"
}

# [sig-storage] Projected configMap should be consumable from pods in volume with mappings.
t_sig_storage_projected_configmap_should_be_consumable_from_pods_in_volume_with_mappings() {
  storage_vol_cm cm data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, projected: {sources: [{configMap: {name: cm, items: [{key: data-2, path: path/to/data-2}]}}]}}]" \
    "[{name: v, mountPath: /etc/projected-configmap-volume}]" \
    'show /etc/projected-configmap-volume/path/to/data-2; ls /etc/projected-configmap-volume'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/projected-configmap-volume/path/to/data-2: value-2" \
    "mode of /etc/projected-configmap-volume/path/to/data-2: -rw-r--r--" "path"
  expect_not_contains "$STORAGE_VOL_OUT" "data-1"
}

# [sig-storage] Projected configMap should be consumable from pods in volume with mappings and
# Item mode set: item mode 0400.
t_sig_storage_projected_configmap_should_be_consumable_from_pods_in_volume_with_mappings_and_item_mode_set() {
  storage_vol_cm cm data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, projected: {sources: [{configMap: {name: cm, items: [{key: data-2, path: path/to/data-2, mode: 256}]}}]}}]" \
    "[{name: v, mountPath: /etc/projected-configmap-volume}]" 'show /etc/projected-configmap-volume/path/to/data-2'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/projected-configmap-volume/path/to/data-2: value-2" \
    "mode of /etc/projected-configmap-volume/path/to/data-2: -r--------"
}

# [sig-storage] Projected configMap should be consumable from pods in volume with mappings as
# non-root: uid 1000.
t_sig_storage_projected_configmap_should_be_consumable_from_pods_in_volume_with_mappings_as_non_root() {
  storage_vol_cm cm data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, projected: {sources: [{configMap: {name: cm, items: [{key: data-2, path: path/to/data-2}]}}]}}]" \
    "[{name: v, mountPath: /etc/projected-configmap-volume}]" \
    'echo uid=$(id -u); show /etc/projected-configmap-volume/path/to/data-2' 'runAsUser: 1000'
  storage_vol_expect "$STORAGE_VOL_OUT" "uid=1000" \
    "content of /etc/projected-configmap-volume/path/to/data-2: value-2" \
    "mode of /etc/projected-configmap-volume/path/to/data-2: -rw-r--r--"
}

# [sig-storage] Projected configMap should be consumable in multiple volumes in the same pod.
t_sig_storage_projected_configmap_should_be_consumable_in_multiple_volumes_in_the_same_pod() {
  storage_vol_cm cm data-1=value-1
  storage_vol_run p "[{name: v1, projected: {sources: [{configMap: {name: cm}}]}}, {name: v2, projected: {sources: [{configMap: {name: cm}}]}}]" \
    "[{name: v1, mountPath: /etc/projected-configmap-volume}, {name: v2, mountPath: /etc/projected-configmap-volume-2}]" \
    'show /etc/projected-configmap-volume/data-1 /etc/projected-configmap-volume-2/data-1'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/projected-configmap-volume/data-1: value-1" \
    "content of /etc/projected-configmap-volume-2/data-1: value-1"
}

# [sig-storage] Projected configMap updates should be reflected in volume: a running pod sees the
# new value.
t_sig_storage_projected_configmap_updates_should_be_reflected_in_volume() {
  storage_vol_cm cm data-1=value-1
  storage_vol_pod p "[{name: v, projected: {sources: [{configMap: {name: cm}}]}}]" \
    "[{name: v, mountPath: /etc/projected-configmap-volume}]" 'sleep 3600' '' Always | kubectl apply -f - >/dev/null
  wait_running p
  storage_vol_file_is p /etc/projected-configmap-volume/data-1 value-1
  kubectl patch configmap cm --type=merge -p '{"data":{"data-1":"value-2"}}' >/dev/null
  eventually 60 storage_vol_file_is p /etc/projected-configmap-volume/data-1 value-2
}

# [sig-storage] Projected configMap optional updates should be reflected in volume: deleting,
# updating and creating the optional sources' ConfigMaps empties, changes and fills the volumes.
t_sig_storage_projected_configmap_optional_updates_should_be_reflected_in_volume() {
  storage_vol_cm cm-del data-1=value-1
  storage_vol_cm cm-upd data-1=value-1
  storage_vol_pod p "[{name: del, projected: {sources: [{configMap: {name: cm-del, optional: true}}]}},
      {name: upd, projected: {sources: [{configMap: {name: cm-upd, optional: true}}]}},
      {name: create, projected: {sources: [{configMap: {name: cm-create, optional: true}}]}}]" \
    "[{name: del, mountPath: /etc/cm-del}, {name: upd, mountPath: /etc/cm-upd}, {name: create, mountPath: /etc/cm-create}]" \
    'sleep 3600' '' Always | kubectl apply -f - >/dev/null
  wait_running p
  storage_vol_file_is p /etc/cm-del/data-1 value-1
  storage_vol_file_is p /etc/cm-upd/data-1 value-1
  storage_vol_file_absent p /etc/cm-create/data-1
  kubectl delete configmap cm-del >/dev/null
  kubectl patch configmap cm-upd --type=merge -p '{"data":{"data-1":null,"data-3":"value-3"}}' >/dev/null
  storage_vol_cm cm-create data-1=value-1
  eventually 60 storage_vol_file_is p /etc/cm-create/data-1 value-1
  eventually 60 storage_vol_file_is p /etc/cm-upd/data-3 value-3
  eventually 60 storage_vol_file_absent p /etc/cm-upd/data-1
  eventually 60 storage_vol_file_absent p /etc/cm-del/data-1
}

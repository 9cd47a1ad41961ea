# Conformance: test/e2e/common/storage/projected_secret.go (sig-storage Projected secret).
# Helpers (storage_vol_*) are in common_storage_configmap_volume.sh.

# [sig-storage] Projected secret should be consumable from pods in volume: mode 0644 by default.
t_sig_storage_projected_secret_should_be_consumable_from_pods_in_volume() {
  storage_vol_secret s data-1=value-1
  storage_vol_run p "[{name: v, projected: {sources: [{secret: {name: s}}]}}]" \
    "[{name: v, mountPath: /etc/projected-secret-volume}]" 'show /etc/projected-secret-volume/data-1'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/projected-secret-volume/data-1: value-1" \
    "mode of /etc/projected-secret-volume/data-1: -rw-r--r--"
}

# [sig-storage] Projected secret should be consumable from pods in volume with defaultMode set: 0400.
t_sig_storage_projected_secret_should_be_consumable_from_pods_in_volume_with_defaultmode_set() {
  storage_vol_secret s data-1=value-1
  storage_vol_run p "[{name: v, projected: {defaultMode: 256, sources: [{secret: {name: s}}]}}]" \
    "[{name: v, mountPath: /etc/projected-secret-volume}]" 'show /etc/projected-secret-volume/data-1'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/projected-secret-volume/data-1: value-1" \
    "mode of /etc/projected-secret-volume/data-1: -r--------"
}

# [sig-storage] Projected secret should be consumable from pods in volume as non-root with
# defaultMode and fsGroup set: uid 1000, fsGroup 1001, mode 0440, group 1001.
t_sig_storage_projected_secret_should_be_consumable_from_pods_in_volume_as_non_root_with_defaultmode_and_fsgroup_set() {
  storage_vol_secret s data-1=value-1
  storage_vol_run p "[{name: v, projected: {defaultMode: 288, sources: [{secret: {name: s}}]}}]" \
    "[{name: v, mountPath: /etc/projected-secret-volume}]" \
    'echo uid=$(id -u); echo group=$(stat -L -c %g /etc/projected-secret-volume/data-1); show /etc/projected-secret-volume/data-1' \
    'runAsUser: 1000, fsGroup: 1001'
  storage_vol_expect "$STORAGE_VOL_OUT" "uid=1000" "group=1001" \
    "content of /etc/projected-secret-volume/data-1: value-1" \
    "mode of /etc/projected-secret-volume/data-1: -r--r-----"
}

# [sig-storage] Projected secret should be consumable from pods in volume with mappings: key ->
# custom path, default mode 0644 (what the kube test checks).
t_sig_storage_projected_secret_should_be_consumable_from_pods_in_volume_with_mappings() {
  storage_vol_secret s data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, projected: {sources: [{secret: {name: s, items: [{key: data-1, path: new-path-data-1}]}}]}}]" \
    "[{name: v, mountPath: /etc/projected-secret-volume}]" \
    'show /etc/projected-secret-volume/new-path-data-1; ls /etc/projected-secret-volume'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/projected-secret-volume/new-path-data-1: value-1" \
    "mode of /etc/projected-secret-volume/new-path-data-1: -rw-r--r--"
  expect_not_contains "$STORAGE_VOL_OUT" "data-2"
}

# [sig-storage] Projected secret should be consumable from pods in volume with mappings and Item
# Mode set: item mode 0400.
t_sig_storage_projected_secret_should_be_consumable_from_pods_in_volume_with_mappings_and_item_mode_set() {
  storage_vol_secret s data-1=value-1
  storage_vol_run p "[{name: v, projected: {sources: [{secret: {name: s, items: [{key: data-1, path: new-path-data-1, mode: 256}]}}]}}]" \
    "[{name: v, mountPath: /etc/projected-secret-volume}]" 'show /etc/projected-secret-volume/new-path-data-1'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/projected-secret-volume/new-path-data-1: value-1" \
    "mode of /etc/projected-secret-volume/new-path-data-1: -r--------"
}

# [sig-storage] Projected secret should be consumable in multiple volumes in a pod.
t_sig_storage_projected_secret_should_be_consumable_in_multiple_volumes_in_a_pod() {
  storage_vol_secret s data-1=value-1
  storage_vol_run p "[{name: v1, projected: {sources: [{secret: {name: s}}]}}, {name: v2, projected: {sources: [{secret: {name: s}}]}}]" \
    "[{name: v1, mountPath: /etc/projected-secret-volume}, {name: v2, mountPath: /etc/projected-secret-volume-2}]" \
    'show /etc/projected-secret-volume/data-1 /etc/projected-secret-volume-2/data-1'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/projected-secret-volume/data-1: value-1" \
    "content of /etc/projected-secret-volume-2/data-1: value-1"
}

# [sig-storage] Projected secret optional updates should be reflected in volume: deleting, updating
# and creating the optional sources' Secrets empties, changes and fills the volumes.
t_sig_storage_projected_secret_optional_updates_should_be_reflected_in_volume() {
  storage_vol_secret s-del data-1=value-1
  storage_vol_secret s-upd data-1=value-1
  storage_vol_pod p "[{name: del, projected: {sources: [{secret: {name: s-del, optional: true}}]}},
      {name: upd, projected: {sources: [{secret: {name: s-upd, optional: true}}]}},
      {name: create, projected: {sources: [{secret: {name: s-create, optional: true}}]}}]" \
    "[{name: del, mountPath: /etc/s-del}, {name: upd, mountPath: /etc/s-upd}, {name: create, mountPath: /etc/s-create}]" \
    'sleep 3600' '' Always | kubectl apply -f - >/dev/null
  wait_running p
  storage_vol_file_is p /etc/s-del/data-1 value-1
  storage_vol_file_is p /etc/s-upd/data-1 value-1
  storage_vol_file_absent p /etc/s-create/data-1
  kubectl delete secret s-del >/dev/null
  kubectl patch secret s-upd --type=merge -p "{\"data\":{\"data-1\":null,\"data-3\":\"$(printf value-3 | base64)\"}}" >/dev/null
  storage_vol_secret s-create data-1=value-1
  eventually 60 storage_vol_file_is p /etc/s-create/data-1 value-1
  eventually 60 storage_vol_file_is p /etc/s-upd/data-3 value-3
  eventually 60 storage_vol_file_absent p /etc/s-upd/data-1
  eventually 60 storage_vol_file_absent p /etc/s-del/data-1
}

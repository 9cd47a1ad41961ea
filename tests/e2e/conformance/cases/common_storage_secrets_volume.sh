# Conformance: test/e2e/common/storage/secrets_volume.go (sig-storage Secrets volumes).
# Helpers (storage_vol_*) are in common_storage_configmap_volume.sh.

# [sig-storage] Secrets should be consumable from pods in volume: decoded keys as files, mode 0644.
t_sig_storage_secrets_should_be_consumable_from_pods_in_volume() {
  storage_vol_secret s data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, secret: {secretName: s}}]" "[{name: v, mountPath: /etc/secret-volume}]" \
    'show /etc/secret-volume/data-1 /etc/secret-volume/data-2'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/secret-volume/data-1: value-1" \
    "mode of /etc/secret-volume/data-1: -rw-r--r--" "content of /etc/secret-volume/data-2: value-2"
}

# [sig-storage] Secrets should be consumable from pods in volume with defaultMode set: 0400.
t_sig_storage_secrets_should_be_consumable_from_pods_in_volume_with_defaultmode_set() {
  storage_vol_secret s data-1=value-1
  storage_vol_run p "[{name: v, secret: {secretName: s, defaultMode: 256}}]" \
    "[{name: v, mountPath: /etc/secret-volume}]" 'show /etc/secret-volume/data-1'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/secret-volume/data-1: value-1" \
    "mode of /etc/secret-volume/data-1: -r--------"
}

# [sig-storage] Secrets should be consumable from pods in volume as non-root with defaultMode and
# fsGroup set: uid 1000 with fsGroup 1001 reads a 0440 file owned by group 1001.
t_sig_storage_secrets_should_be_consumable_from_pods_in_volume_as_non_root_with_defaultmode_and_fsgroup_set() {
  storage_vol_secret s data-1=value-1
  storage_vol_run p "[{name: v, secret: {secretName: s, defaultMode: 288}}]" \
    "[{name: v, mountPath: /etc/secret-volume}]" \
    'echo uid=$(id -u); echo group=$(stat -L -c %g /etc/secret-volume/data-1); show /etc/secret-volume/data-1' \
    'runAsUser: 1000, fsGroup: 1001'
  storage_vol_expect "$STORAGE_VOL_OUT" "uid=1000" "group=1001" \
    "content of /etc/secret-volume/data-1: value-1" "mode of /etc/secret-volume/data-1: -r--r-----"
}

# [sig-storage] Secrets should be consumable from pods in volume with mappings: key -> custom path,
# default mode 0644.
t_sig_storage_secrets_should_be_consumable_from_pods_in_volume_with_mappings() {
  storage_vol_secret s data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, secret: {secretName: s, items: [{key: data-1, path: new-path-data-1}]}}]" \
    "[{name: v, mountPath: /etc/secret-volume}]" 'show /etc/secret-volume/new-path-data-1; ls /etc/secret-volume'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/secret-volume/new-path-data-1: value-1" \
    "mode of /etc/secret-volume/new-path-data-1: -rw-r--r--"
  expect_not_contains "$STORAGE_VOL_OUT" "data-2"
}

# [sig-storage] Secrets should be consumable from pods in volume with mappings and Item Mode set:
# the item's mode 0400 wins (the kube test expects -r--------; its description's -r--r--r-- is a typo).
t_sig_storage_secrets_should_be_consumable_from_pods_in_volume_with_mappings_and_item_mode_set() {
  storage_vol_secret s data-1=value-1
  storage_vol_run p "[{name: v, secret: {secretName: s, items: [{key: data-1, path: new-path-data-1, mode: 256}]}}]" \
    "[{name: v, mountPath: /etc/secret-volume}]" 'show /etc/secret-volume/new-path-data-1'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/secret-volume/new-path-data-1: value-1" \
    "mode of /etc/secret-volume/new-path-data-1: -r--------"
}

# [sig-storage] Secrets should be consumable in multiple volumes in a pod: one Secret, two volumes.
t_sig_storage_secrets_should_be_consumable_in_multiple_volumes_in_a_pod() {
  storage_vol_secret s data-1=value-1
  storage_vol_run p "[{name: v1, secret: {secretName: s}}, {name: v2, secret: {secretName: s}}]" \
    "[{name: v1, mountPath: /etc/secret-volume}, {name: v2, mountPath: /etc/secret-volume-2}]" \
    'show /etc/secret-volume/data-1 /etc/secret-volume-2/data-1'
  storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/secret-volume/data-1: value-1" \
    "content of /etc/secret-volume-2/data-1: value-1"
}

# [sig-storage] Secrets should be able to mount in a volume regardless of a different secret
# existing with same name in different namespace: the pod's own namespace's Secret is used.
t_sig_storage_secrets_should_be_able_to_mount_in_a_volume_regardless_of_a_different_secret_existing_with_same_name_in_different_namespace() {
  local other="$NS-other" rc=0
  kubectl create namespace "$other" >/dev/null
  set +e   # the body runs in a subshell with -e; the namespace goes away whatever it returns
  (
    set -e
    kubectl -n "$other" create secret generic s --from-literal=data-1=other-namespace >/dev/null
    storage_vol_secret s data-1=value-1
    storage_vol_run p "[{name: v, secret: {secretName: s}}]" "[{name: v, mountPath: /etc/secret-volume}]" \
      'show /etc/secret-volume/data-1'
    storage_vol_expect "$STORAGE_VOL_OUT" "content of /etc/secret-volume/data-1: value-1" \
      "mode of /etc/secret-volume/data-1: -rw-r--r--"
  )
  rc=$?
  set -e
  kubectl delete namespace "$other" --wait=false >/dev/null 2>&1
  return "$rc"
}

# [sig-storage] Secrets optional updates should be reflected in volume: three optional volumes;
# deleting, updating and creating their Secrets empties, changes and fills them.
t_sig_storage_secrets_optional_updates_should_be_reflected_in_volume() {
  storage_vol_secret s-del data-1=value-1
  storage_vol_secret s-upd data-1=value-1
  storage_vol_pod p "[{name: del, secret: {secretName: s-del, optional: true}},
      {name: upd, secret: {secretName: s-upd, optional: true}},
      {name: create, secret: {secretName: s-create, optional: true}}]" \
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

# [sig-storage] Secrets should be immutable if `immutable` field is set: see storage_vol_immutable.
t_sig_storage_secrets_should_be_immutable_if_immutable_field_is_set() {
  storage_vol_immutable secret
}

# Conformance: test/e2e/storage/subpath.go (sig-storage Subpath, atomic writer volumes).
# Helpers (storage_vol_*) are in common_storage_configmap_volume.sh. A subPath names a file inside
# the volume (through the atomic writer's links); the container reads it at its mountPath.

# storage_vol_subpath VOLUME SUBPATH EXPECTED [MOUNTPATH]: the volume's SUBPATH, mounted alone at
# MOUNTPATH (default /test-volume/subpath-file), holds EXPECTED.
storage_vol_subpath() {
  local mp="${4:-/test-volume/subpath-file}"
  storage_vol_run p "[$1]" "[{name: v, mountPath: $mp, subPath: $2}]" "show $mp"
  storage_vol_expect "$STORAGE_VOL_OUT" "content of $mp: $3"
}

# [sig-storage] Subpath Atomic writer volumes should support subpaths with configmap pod
t_sig_storage_subpath_atomic_writer_volumes_should_support_subpaths_with_configmap_pod() {
  storage_vol_cm my-configmap configmap-key=configmap-value
  storage_vol_subpath "{name: v, configMap: {name: my-configmap}}" configmap-key configmap-value
}

# [sig-storage] Subpath Atomic writer volumes should support subpaths with configmap pod with
# mountPath of existing file: the key replaces the image's /etc/resolv.conf.
t_sig_storage_subpath_atomic_writer_volumes_should_support_subpaths_with_configmap_pod_with_mountpath_of_existing_file() {
  storage_vol_cm my-configmap configmap-key=configmap-value
  storage_vol_subpath "{name: v, configMap: {name: my-configmap}}" configmap-key configmap-value /etc/resolv.conf
}

# [sig-storage] Subpath Atomic writer volumes should support subpaths with secret pod
t_sig_storage_subpath_atomic_writer_volumes_should_support_subpaths_with_secret_pod() {
  storage_vol_secret my-secret secret-key=secret-value
  storage_vol_subpath "{name: v, secret: {secretName: my-secret}}" secret-key secret-value
}

# [sig-storage] Subpath Atomic writer volumes should support subpaths with downward pod: the item
# downward/podname, mounted by subPath, holds the pod's name.
t_sig_storage_subpath_atomic_writer_volumes_should_support_subpaths_with_downward_pod() {
  storage_vol_subpath "{name: v, downwardAPI: {items: [{path: downward/podname, fieldRef: {fieldPath: metadata.name}}]}}" \
    downward/podname p
}

# [sig-storage] Subpath Atomic writer volumes should support subpaths with projected pod
t_sig_storage_subpath_atomic_writer_volumes_should_support_subpaths_with_projected_pod() {
  storage_vol_subpath "{name: v, projected: {sources: [{downwardAPI: {items: [{path: projected/podname, fieldRef: {fieldPath: metadata.name}}]}}]}}" \
    projected/podname p
}

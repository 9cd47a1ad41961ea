# Conformance: test/e2e/common/storage/empty_dir.go (sig-storage EmptyDir volumes).
# Helpers (storage_vol_*) are in common_storage_configmap_volume.sh. mounttest's --new_file_0644
# etc. become: write a file, chmod it, print its mode and content, and the volume's mount type.

# storage_vol_emptydir_mode UID MODE MEDIUM: as uid UID (0 = root) a file with MODE is created in
# an emptyDir (MEDIUM "" or Memory) and read back; Memory volumes are tmpfs.
storage_vol_emptydir_mode() {
  local uid="$1" mode="$2" medium="$3" sec="" perms
  [ "$uid" != 0 ] && sec="runAsUser: $uid"
  case "$mode" in 0644) perms=-rw-r--r-- ;; 0666) perms=-rw-rw-rw- ;; 0777) perms=-rwxrwxrwx ;; esac
  storage_vol_run p "[{name: v, emptyDir: {medium: \"$medium\"}}]" "[{name: v, mountPath: /test-volume}]" \
    "echo uid=\$(id -u); echo mount-tester new file > /test-volume/test-file; chmod $mode /test-volume/test-file
echo \"mount type: \$(awk '\$2 == \"/test-volume\" {print \$3}' /proc/mounts)\"; show /test-volume/test-file" "$sec"
  storage_vol_expect "$STORAGE_VOL_OUT" "uid=$uid" "mode of /test-volume/test-file: $perms" \
    "content of /test-volume/test-file: mount-tester new file"
  if [ "$medium" = Memory ]; then storage_vol_expect "$STORAGE_VOL_OUT" "mount type: tmpfs"; fi
}

# [sig-storage] EmptyDir volumes should support (root,0644,default)
t_sig_storage_emptydir_volumes_should_support_root_0644_default() { storage_vol_emptydir_mode 0 0644 ""; }
# [sig-storage] EmptyDir volumes should support (root,0666,default)
t_sig_storage_emptydir_volumes_should_support_root_0666_default() { storage_vol_emptydir_mode 0 0666 ""; }
# [sig-storage] EmptyDir volumes should support (root,0777,default)
t_sig_storage_emptydir_volumes_should_support_root_0777_default() { storage_vol_emptydir_mode 0 0777 ""; }
# [sig-storage] EmptyDir volumes should support (root,0644,tmpfs)
t_sig_storage_emptydir_volumes_should_support_root_0644_tmpfs() { storage_vol_emptydir_mode 0 0644 Memory; }
# [sig-storage] EmptyDir volumes should support (root,0666,tmpfs)
t_sig_storage_emptydir_volumes_should_support_root_0666_tmpfs() { storage_vol_emptydir_mode 0 0666 Memory; }
# [sig-storage] EmptyDir volumes should support (root,0777,tmpfs)
t_sig_storage_emptydir_volumes_should_support_root_0777_tmpfs() { storage_vol_emptydir_mode 0 0777 Memory; }
# [sig-storage] EmptyDir volumes should support (non-root,0644,default): uid 1001 writes the volume.
t_sig_storage_emptydir_volumes_should_support_non_root_0644_default() { storage_vol_emptydir_mode 1001 0644 ""; }
# [sig-storage] EmptyDir volumes should support (non-root,0666,default)
t_sig_storage_emptydir_volumes_should_support_non_root_0666_default() { storage_vol_emptydir_mode 1001 0666 ""; }
# [sig-storage] EmptyDir volumes should support (non-root,0777,default)
t_sig_storage_emptydir_volumes_should_support_non_root_0777_default() { storage_vol_emptydir_mode 1001 0777 ""; }
# [sig-storage] EmptyDir volumes should support (non-root,0644,tmpfs)
t_sig_storage_emptydir_volumes_should_support_non_root_0644_tmpfs() { storage_vol_emptydir_mode 1001 0644 Memory; }
# [sig-storage] EmptyDir volumes should support (non-root,0666,tmpfs)
t_sig_storage_emptydir_volumes_should_support_non_root_0666_tmpfs() { storage_vol_emptydir_mode 1001 0666 Memory; }
# [sig-storage] EmptyDir volumes should support (non-root,0777,tmpfs)
t_sig_storage_emptydir_volumes_should_support_non_root_0777_tmpfs() { storage_vol_emptydir_mode 1001 0777 Memory; }

# storage_vol_emptydir_dir MEDIUM: the volume's own directory is rwxrwxrwx (and tmpfs for Memory).
storage_vol_emptydir_dir() {
  storage_vol_run p "[{name: v, emptyDir: {medium: \"$1\"}}]" "[{name: v, mountPath: /test-volume}]" \
    "echo \"perms: \$(stat -c %A /test-volume)\"; echo \"mount type: \$(awk '\$2 == \"/test-volume\" {print \$3}' /proc/mounts)\""
  storage_vol_expect "$STORAGE_VOL_OUT" "perms: drwxrwxrwx"
  if [ "$1" = Memory ]; then storage_vol_expect "$STORAGE_VOL_OUT" "mount type: tmpfs"; fi
}

# [sig-storage] EmptyDir volumes volume on default medium should have the correct mode: 0777 dir.
t_sig_storage_emptydir_volumes_volume_on_default_medium_should_have_the_correct_mode() {
  storage_vol_emptydir_dir ""
}

# [sig-storage] EmptyDir volumes volume on tmpfs should have the correct mode: 0777 tmpfs dir.
t_sig_storage_emptydir_volumes_volume_on_tmpfs_should_have_the_correct_mode() {
  storage_vol_emptydir_dir Memory
}

# [sig-storage] EmptyDir volumes pod should support shared volumes between containers: a sidecar
# writes a file into the emptyDir, the main container reads it.
t_sig_storage_emptydir_volumes_pod_should_support_shared_volumes_between_containers() {
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: shared-data, emptyDir: {}}]
  containers:
  - name: busybox-main-container
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "sleep 3600"]
    volumeMounts: [{name: shared-data, mountPath: /usr/share/volumeshare}]
  - name: busybox-sub-container
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo Hello from the busy-box sub-container > /usr/share/volumeshare/shareddata.txt; sleep 3600"]
    volumeMounts: [{name: shared-data, mountPath: /usr/share/volumeshare}]
YAML
  wait_running p
  eventually 30 storage_vol_file_is p /usr/share/volumeshare/shareddata.txt "Hello from the busy-box sub-container"
}

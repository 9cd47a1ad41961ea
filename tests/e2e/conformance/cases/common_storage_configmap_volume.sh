# Conformance: test/e2e/common/storage/configmap_volume.go (sig-storage ConfigMap volumes).
#
# The storage_vol_* helpers below are shared by every volume case file of this suite
# (common_storage_*.sh, storage_subpath.sh, storage_empty_dir_wrapper.sh). The kube tests use the
# agnhost "mounttest" command to print file contents and modes; here the busybox shell does it:
# `storage_vol_show FILE...` prints "content of FILE: ..." and "mode of FILE: -rw-r--r--"
# (stat -L: the mode of the file a volume's link points to, as mounttest's os.Stat sees it).

# The shell function the test containers source (prints content and mode of each file).
STORAGE_VOL_SHOW='show() { for f in "$@"; do echo "content of $f: $(cat "$f")"; echo "mode of $f: $(stat -L -c %A "$f")"; done; }'

# storage_vol_pod NAME 'VOLUMES (flow yaml list)' 'MOUNTS (flow yaml list)' 'SHELL' [POD-SECURITY]
#   [RESTART] [CONTAINER-EXTRA (one yaml line, e.g. resources: {...})]: a pod whose one container
#   "c" runs SHELL (show() is defined) with the volumes mounted. $VOL_LABELS / $VOL_ANNOTATIONS
#   (flow mapping entries) label and annotate it.
storage_vol_pod() {
  local script
  script="$(printf '%s\n%s\n' "$STORAGE_VOL_SHOW" "$4" | sed 's/^/      /')"
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels: {${VOL_LABELS:-test: storage-vol}}
  annotations: {${VOL_ANNOTATIONS:-}}
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: ${6:-Never}
  securityContext: {${5:-}}
  volumes: $2
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    volumeMounts: $3
    ${7:-}
    command: ["sh", "-c"]
    args:
    - |
$script
YAML
}

# storage_vol_output POD [seconds]: waits until the pod succeeded and puts its log in
# $STORAGE_VOL_OUT; a failed or stuck pod prints its status and fails.
storage_vol_output() {
  local deadline=$(( SECONDS + ${2:-60} )) phase=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    phase="$(kubectl get pod "$1" -o jsonpath='{.status.phase}' 2>/dev/null)"
    if [ "$phase" = Succeeded ]; then STORAGE_VOL_OUT="$(kubectl logs "$1")"; return 0; fi
    if [ "$phase" = Failed ]; then break; fi
    sleep 0.2
  done
  echo "pod $1: phase [$phase], wanted Succeeded"; kubectl logs "$1" 2>&1 | tail -20
  kubectl get pod "$1" -o yaml | sed -n '/^status:/,$p'; return 1
}

# storage_vol_expect OUTPUT LINE...: every LINE is a line of OUTPUT.
storage_vol_expect() {
  local out="$1" line; shift
  for line in "$@"; do
    if ! grep -qxF -- "$line" <<<"$out"; then
      echo "expected line: $line"; echo "--- output:"; echo "$out"; return 1
    fi
  done
}

# storage_vol_run POD VOLUMES MOUNTS SHELL [POD-SECURITY] [CONTAINER-EXTRA]: runs the pod to
# completion; its log is in $STORAGE_VOL_OUT.
storage_vol_run() {
  storage_vol_pod "$1" "$2" "$3" "$4" "${5:-}" Never "${6:-}" | kubectl apply -f - >/dev/null
  storage_vol_output "$1" 90
}

# storage_vol_cm NAME KEY=VALUE...: a ConfigMap.
storage_vol_cm() {
  local name="$1"; shift
  local args=() kv
  for kv in "$@"; do args+=(--from-literal="$kv"); done
  kubectl create configmap "$name" "${args[@]}" >/dev/null
}

# storage_vol_secret NAME KEY=VALUE...: an Opaque Secret.
storage_vol_secret() {
  local name="$1"; shift
  local args=() kv
  for kv in "$@"; do args+=(--from-literal="$kv"); done
  kubectl create secret generic "$name" "${args[@]}" >/dev/null
}

# storage_vol_file_is POD FILE EXPECTED: the file's content in the running pod is EXPECTED.
storage_vol_file_is() {
  local got
  got="$(kubectl exec "$1" -- cat "$2" 2>storage-vol-exec.err)" ||
    { echo "cat $2 failed: $(cat storage-vol-exec.err)"; return 1; }
  [ "$got" = "$3" ] || { echo "$2 = [$got], wanted [$3]"; return 1; }
}

# storage_vol_file_absent POD FILE: reading FILE in the running pod fails.
storage_vol_file_absent() {
  if kubectl exec "$1" -- cat "$2" >/dev/null 2>&1; then echo "$2 still readable"; return 1; fi
}

# storage_vol_qty QUANTITY [milli]: a Kubernetes quantity as an integer (bytes or, with "milli",
# thousandths), e.g. 1500m milli -> 1500, 64Mi -> 67108864.
storage_vol_qty() {
  awk -v q="$1" -v milli="${2:-}" 'BEGIN {
    n = q; sub(/[A-Za-z]+$/, "", n); s = substr(q, length(n) + 1)
    f["Ki"]=1024; f["Mi"]=1048576; f["Gi"]=1073741824; f["Ti"]=1099511627776
    f["k"]=1e3; f["M"]=1e6; f["G"]=1e9; f["T"]=1e12; f["m"]=0.001; f[""]=1
    v = n * f[s]; if (milli != "") v = v * 1000
    printf "%.0f\n", (v == int(v)) ? v : int(v) + 1 }'
}

# --- the entries ---

# [sig-storage] ConfigMap should be consumable from pods in volume: all keys as files, mode 0644.
t_sig_storage_configmap_should_be_consumable_from_pods_in_volume() {
  storage_vol_cm cm data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, configMap: {name: cm}}]" "[{name: v, mountPath: /etc/configmap-volume}]" \
    'show /etc/configmap-volume/data-1 /etc/configmap-volume/data-2'
  out="$STORAGE_VOL_OUT"
  storage_vol_expect "$out" "content of /etc/configmap-volume/data-1: value-1" \
    "mode of /etc/configmap-volume/data-1: -rw-r--r--" "content of /etc/configmap-volume/data-2: value-2"
}

# [sig-storage] ConfigMap should be consumable from pods in volume with defaultMode set: 0400.
t_sig_storage_configmap_should_be_consumable_from_pods_in_volume_with_defaultmode_set() {
  storage_vol_cm cm data-1=value-1
  storage_vol_run p "[{name: v, configMap: {name: cm, defaultMode: 256}}]" \
    "[{name: v, mountPath: /etc/configmap-volume}]" 'show /etc/configmap-volume/data-1'
  out="$STORAGE_VOL_OUT"
  storage_vol_expect "$out" "content of /etc/configmap-volume/data-1: value-1" \
    "mode of /etc/configmap-volume/data-1: -r--------"
}

# [sig-storage] ConfigMap should be consumable from pods in volume as non-root: uid 1000 reads it.
t_sig_storage_configmap_should_be_consumable_from_pods_in_volume_as_non_root() {
  storage_vol_cm cm data-1=value-1
  storage_vol_run p "[{name: v, configMap: {name: cm}}]" "[{name: v, mountPath: /etc/configmap-volume}]" \
    'echo uid=$(id -u); show /etc/configmap-volume/data-1' 'runAsUser: 1000'
  out="$STORAGE_VOL_OUT"
  storage_vol_expect "$out" "uid=1000" "content of /etc/configmap-volume/data-1: value-1" \
    "mode of /etc/configmap-volume/data-1: -rw-r--r--"
}

# [sig-storage] ConfigMap should be consumable from pods in volume with mappings: key -> path.
t_sig_storage_configmap_should_be_consumable_from_pods_in_volume_with_mappings() {
  storage_vol_cm cm data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, configMap: {name: cm, items: [{key: data-2, path: path/to/data-2}]}}]" \
    "[{name: v, mountPath: /etc/configmap-volume}]" \
    'show /etc/configmap-volume/path/to/data-2; ls /etc/configmap-volume'
  out="$STORAGE_VOL_OUT"
  storage_vol_expect "$out" "content of /etc/configmap-volume/path/to/data-2: value-2" \
    "mode of /etc/configmap-volume/path/to/data-2: -rw-r--r--" "path"
  expect_not_contains "$out" "data-1"
}

# [sig-storage] ConfigMap should be consumable from pods in volume with mappings and Item mode set:
# the item's mode 0400 wins.
t_sig_storage_configmap_should_be_consumable_from_pods_in_volume_with_mappings_and_item_mode_set() {
  storage_vol_cm cm data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, configMap: {name: cm, items: [{key: data-2, path: path/to/data-2, mode: 256}]}}]" \
    "[{name: v, mountPath: /etc/configmap-volume}]" 'show /etc/configmap-volume/path/to/data-2'
  out="$STORAGE_VOL_OUT"
  storage_vol_expect "$out" "content of /etc/configmap-volume/path/to/data-2: value-2" \
    "mode of /etc/configmap-volume/path/to/data-2: -r--------"
}

# [sig-storage] ConfigMap should be consumable from pods in volume with mappings as non-root.
t_sig_storage_configmap_should_be_consumable_from_pods_in_volume_with_mappings_as_non_root() {
  storage_vol_cm cm data-1=value-1 data-2=value-2
  storage_vol_run p "[{name: v, configMap: {name: cm, items: [{key: data-2, path: path/to/data-2}]}}]" \
    "[{name: v, mountPath: /etc/configmap-volume}]" \
    'echo uid=$(id -u); show /etc/configmap-volume/path/to/data-2' 'runAsUser: 1000'
  out="$STORAGE_VOL_OUT"
  storage_vol_expect "$out" "uid=1000" "content of /etc/configmap-volume/path/to/data-2: value-2" \
    "mode of /etc/configmap-volume/path/to/data-2: -rw-r--r--"
}

# [sig-storage] ConfigMap should be consumable in multiple volumes in the same pod: one ConfigMap,
# two volumes, both mounted.
t_sig_storage_configmap_should_be_consumable_in_multiple_volumes_in_the_same_pod() {
  storage_vol_cm cm data-1=value-1
  storage_vol_run p "[{name: v1, configMap: {name: cm}}, {name: v2, configMap: {name: cm}}]" \
    "[{name: v1, mountPath: /etc/configmap-volume}, {name: v2, mountPath: /etc/configmap-volume-2}]" \
    'show /etc/configmap-volume/data-1 /etc/configmap-volume-2/data-1'
  out="$STORAGE_VOL_OUT"
  storage_vol_expect "$out" "content of /etc/configmap-volume/data-1: value-1" \
    "content of /etc/configmap-volume-2/data-1: value-1"
}

# [sig-storage] ConfigMap binary data should be reflected in volume: data and binaryData keys as
# files, the binary one byte for byte.
t_sig_storage_configmap_binary_data_should_be_reflected_in_volume() {
  printf '\xde\xca\xfe\xba\xd0\xfe\x00\x01' >bin
  kubectl create configmap cm --from-literal=data-1=value-1 --from-file=dump.bin=bin >/dev/null
  [ -n "$(kubectl get configmap cm -o jsonpath='{.binaryData.dump\.bin}')" ] || { echo "no binaryData"; return 1; }
  storage_vol_run p "[{name: v, configMap: {name: cm}}]" "[{name: v, mountPath: /etc/configmap-volume}]" \
    'show /etc/configmap-volume/data-1; echo "binary: $(od -An -tx1 /etc/configmap-volume/dump.bin | tr -d " ")"'
  out="$STORAGE_VOL_OUT"
  storage_vol_expect "$out" "content of /etc/configmap-volume/data-1: value-1" "binary: decafebad0fe0001"
}

# [sig-storage] ConfigMap updates should be reflected in volume: a running pod sees the new value.
t_sig_storage_configmap_updates_should_be_reflected_in_volume() {
  storage_vol_cm cm data-1=value-1
  storage_vol_pod p "[{name: v, configMap: {name: cm}}]" "[{name: v, mountPath: /etc/configmap-volume}]" \
    'sleep 3600' '' Always | kubectl apply -f - >/dev/null
  wait_running p
  storage_vol_file_is p /etc/configmap-volume/data-1 value-1
  kubectl patch configmap cm --type=merge -p '{"data":{"data-1":"value-2"}}' >/dev/null
  eventually 60 storage_vol_file_is p /etc/configmap-volume/data-1 value-2
}

# [sig-storage] ConfigMap optional updates should be reflected in volume: three optional volumes;
# deleting, updating and creating their ConfigMaps empties, changes and fills them.
t_sig_storage_configmap_optional_updates_should_be_reflected_in_volume() {
  storage_vol_cm cm-del data-1=value-1
  storage_vol_cm cm-upd data-1=value-1
  storage_vol_pod p "[{name: del, configMap: {name: cm-del, optional: true}},
      {name: upd, configMap: {name: cm-upd, optional: true}},
      {name: create, configMap: {name: cm-create, optional: true}}]" \
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

# storage_vol_immutable KIND (configmap|secret): data updates work until immutable is set, then
# data and the flag are refused; labels still change; delete works.
storage_vol_immutable() {
  local kind="$1" field=data v1 v2
  if [ "$kind" = secret ]; then
    v1="$(printf value-1 | base64)"; v2="$(printf value-2 | base64)"
    storage_vol_secret obj data=value-0
  else
    v1=value-1; v2=value-2
    storage_vol_cm obj data=value-0
  fi
  kubectl patch "$kind" obj --type=merge -p "{\"$field\":{\"data\":\"$v1\"}}" >/dev/null
  kubectl patch "$kind" obj --type=merge -p '{"immutable":true}' >/dev/null
  expect_fail kubectl patch "$kind" obj --type=merge -p "{\"$field\":{\"data\":\"$v2\"}}"
  expect_contains "$OUT" "immutable"
  expect_fail kubectl patch "$kind" obj --type=merge -p '{"immutable":false}'
  expect_contains "$OUT" "immutable"
  kubectl label "$kind" obj changed=yes >/dev/null
  expect_eq "$(kubectl get "$kind" obj -o jsonpath='{.metadata.labels.changed}')" yes
  expect_eq "$(kubectl get "$kind" obj -o jsonpath="{.$field.data}")" "$v1"
  kubectl delete "$kind" obj >/dev/null
  expect_fail kubectl get "$kind" obj
}

# [sig-storage] ConfigMap should be immutable if `immutable` field is set: see storage_vol_immutable.
t_sig_storage_configmap_should_be_immutable_if_immutable_field_is_set() {
  storage_vol_immutable configmap
}

# Images from a real registry (Debian's docker-registry on loopback), `berth image`, and a second
# cluster side by side.

registry_start() {
  local port="$1" dir="$E2E_TMP/registry"
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<YAML
version: 0.1
storage:
  filesystem: {rootdirectory: $dir/data}
http:
  addr: 127.0.0.1:$port
YAML
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  echo $! >"$E2E_TMP/registry.pid"
  for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$port/v2/" >/dev/null && return 0; sleep 0.1; done
  echo "registry did not start"; cat "$dir/log"; return 1
}

test_pull_from_a_registry_with_events() {
  command -v docker-registry >/dev/null && command -v skopeo >/dev/null || { echo "SKIP: no docker-registry/skopeo"; return 1; }
  port="$(e2e_free_port)"
  registry_start "$port"
  "$ROOT/scripts/make-test-image" "$E2E_TMP/pushed.tar" "berth.local/pushed:v1" >/dev/null
  skopeo copy --quiet --dest-tls-verify=false "oci-archive:$E2E_TMP/pushed.tar" "docker://127.0.0.1:$port/team/app:v1"
  cat <<YAML | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: pulled}
spec:
  nodeName: node-$NODE_ID
  terminationGracePeriodSeconds: 1
  containers:
  - {name: c, image: "127.0.0.1:$port/team/app:v1", imagePullPolicy: Always, command: ["sh", "-c", "echo pulled-ok; sleep 3600"]}
YAML
  wait_phase pulled Running 60
  wait_event involvedObject.name=pulled "Pulling image \"127.0.0.1:$port/team/app:v1\""
  wait_event involvedObject.name=pulled "Successfully pulled image"
  id="$(kubectl get pod pulled -o jsonpath='{.status.containerStatuses[0].imageID}')"
  expect_match "$id" "127.0.0.1:$port/team/app@sha256:[0-9a-f]{64}"
  for _ in $(seq 1 30); do kubectl logs pulled | grep -q pulled-ok && break; sleep 0.1; done
  expect_contains "$(kubectl logs pulled)" "pulled-ok"
  out="$("$BERTH" image ls --data-dir "$E2E_DATA")"
  expect_contains "$out" "127.0.0.1:$port/team/app:v1"
  expect_contains "$out" "berth.local/busybox:e2e"
  kubectl delete pod pulled --wait=true
  kill "$(cat "$E2E_TMP/registry.pid")"; rm -f "$E2E_TMP/registry.pid"
}

test_image_import_command() {
  "$ROOT/scripts/make-test-image" "$E2E_TMP/imported.tar" "berth.local/imported:v2" >/dev/null
  out="$("$BERTH" image import --data-dir "$E2E_DATA" "$E2E_TMP/imported.tar")"
  expect_contains "$out" "imported berth.local/imported:v2 sha256:"
  cat <<YAML | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: imported}
spec:
  nodeName: node-$NODE_ID
  restartPolicy: Never
  containers: [{name: c, image: "berth.local/imported:v2", imagePullPolicy: Never, command: ["echo", "imported-ok"]}]
YAML
  wait_phase imported Succeeded
  expect_contains "$(kubectl logs imported)" "imported-ok"
  kubectl delete pod imported --wait=true
}

test_two_clusters_side_by_side() {
  local id2="f$$" dir2="$E2E_TMP/second" port2
  port2="$(e2e_free_port)"
  mkdir -p "$dir2/images"
  cp "$E2E_DATA/images/busybox.tar" "$dir2/images/"
  "$BERTH" up --data-dir "$dir2" --listen "127.0.0.1:$port2" --name "$id2" \
    --pod-cidr "10.$((200 + ($$ + 7) % 40)).$(( ($$ / 40 + 3) % 250 )).0/24" \
    --service-cidr "10.$((240 + ($$ + 3) % 10)).$(( ($$ / 10 + 5) % 250 )).0/24" \
    --node-name "node-$id2" >"$E2E_TMP/second.log" 2>&1 &
  local pid2=$!
  trap 'kill $pid2 2>/dev/null || true; "$BERTH" down --data-dir "$dir2" >/dev/null 2>&1 || true' RETURN
  for _ in $(seq 1 100); do [ -f "$dir2/kubeconfig" ] && break; sleep 0.1; done
  pod_yaml first 'sleep 3600' | kubectl apply -f -
  pod_yaml second 'sleep 3600' | sed "s/node-$NODE_ID/node-$id2/" | kubectl --kubeconfig "$dir2/kubeconfig" apply -f -
  wait_phase first Running
  for _ in $(seq 1 100); do
    [ "$(kubectl --kubeconfig "$dir2/kubeconfig" get pod second -o jsonpath='{.status.phase}')" = Running ] && break; sleep 0.1
  done
  expect_eq "$(kubectl --kubeconfig "$dir2/kubeconfig" get pod second -o jsonpath='{.status.phase}')" Running
  ip link show "bt$id2" >/dev/null
  # Removing the second cluster leaves the first untouched.
  "$BERTH" down --data-dir "$dir2"
  ! ip link show "bt$id2" >/dev/null 2>&1
  ! ip netns list | grep -q "berth-$id2-"
  ip link show "$NODE_BRIDGE" >/dev/null
  expect_eq "$(kubectl get pod first -o jsonpath='{.status.phase}')" Running
  kubectl delete pod first --wait=true
}

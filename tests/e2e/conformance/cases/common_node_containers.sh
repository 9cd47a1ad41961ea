# Conformance: test/e2e/common/node/containers.go (sig-node Containers).
# Stand-in: the image berth.local/entrypoint:e2e is the test image with ENTRYPOINT
# [/usr/local/bin/entrypoint-tester] and CMD [pause], standing for agnhost's image (whose
# entrypoint-tester prints its argv and whose pause prints "Paused").

CONTAINERS_IMG="berth.local/entrypoint:e2e"

# containers_image: builds and imports the entrypoint image once per run (the tests run in parallel).
containers_image() {
  (
    flock 9
    [ -f "$E2E_TMP/entrypoint-image.done" ] && exit 0
    BERTH_TEST_IMAGE_ENTRYPOINT='["/usr/local/bin/entrypoint-tester"]' BERTH_TEST_IMAGE_CMD='["pause"]' \
      "$ROOT/scripts/make-test-image" "$E2E_TMP/entrypoint.tar" "$CONTAINERS_IMG" >/dev/null
    "$BERTH" image import --data-dir "$E2E_DATA" "$E2E_TMP/entrypoint.tar" >/dev/null
    touch "$E2E_TMP/entrypoint-image.done"
  ) 9>"$E2E_TMP/entrypoint-image.lock"
}

# containers_pod NAME RESTART 'extra container yaml': a pod of the entrypoint image.
containers_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: $2
  containers:
  - name: c
    image: $CONTAINERS_IMG
    imagePullPolicy: Never
${3:-}
YAML
}

# containers_logs_of_succeeded POD: waits for Succeeded and prints the logs.
containers_logs_of_succeeded() {
  wait_phase "$1" Succeeded 60
  kubectl logs "$1"
}

# [sig-node] Containers should use the image defaults if command and args are blank:
# no command/args runs the image's ENTRYPOINT + CMD (entrypoint-tester pause -> "Paused").
t_sig_node_containers_should_use_the_image_defaults_if_command_and_args_are_blank() {
  containers_image
  containers_pod defaults Always | kubectl apply -f - >/dev/null
  wait_running defaults
  eventually 10 sh -c 'kubectl logs defaults | grep -qx Paused'
}

# [sig-node] Containers should be able to override the image's default arguments (container cmd):
# args alone replace CMD and keep ENTRYPOINT.
t_sig_node_containers_should_be_able_to_override_the_image_s_default_arguments_container_cmd() {
  containers_image
  containers_pod args Never '    args: ["entrypoint-tester", "override", "arguments"]' |
    kubectl apply -f - >/dev/null
  out="$(containers_logs_of_succeeded args)"
  expect_eq "$out" "[/usr/local/bin/entrypoint-tester entrypoint-tester override arguments]"
}

# [sig-node] Containers should be able to override the image's default command (container
# entrypoint): command replaces ENTRYPOINT and drops the image's CMD.
t_sig_node_containers_should_be_able_to_override_the_image_s_default_command_container_entrypoint() {
  containers_image
  containers_pod cmd Never '    command: ["/usr/local/bin/entrypoint-tester-2", "entrypoint-tester"]' |
    kubectl apply -f - >/dev/null
  out="$(containers_logs_of_succeeded cmd)"
  expect_eq "$out" "[/usr/local/bin/entrypoint-tester-2 entrypoint-tester]"
}

# [sig-node] Containers should be able to override the image's default command and arguments:
# command and args both from the pod.
t_sig_node_containers_should_be_able_to_override_the_image_s_default_command_and_arguments() {
  containers_image
  containers_pod both Never '    command: ["/usr/local/bin/entrypoint-tester-2"]
    args: ["entrypoint-tester", "override", "arguments"]' | kubectl apply -f - >/dev/null
  out="$(containers_logs_of_succeeded both)"
  expect_eq "$out" "[/usr/local/bin/entrypoint-tester-2 entrypoint-tester override arguments]"
}

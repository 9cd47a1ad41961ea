# kubectl exec: WebSocket v5.channel.k8s.io through the API server to the agent.

test_exec_output_exit_code_and_stdin() {
  pod_yaml shell 'echo ready; sleep 3600' | kubectl apply -f -
  wait_phase shell Running
  out="$(kubectl exec shell -- echo hi-from-exec)"
  expect_eq "$out" "hi-from-exec"
  out="$(kubectl exec shell -- sh -c 'echo to-out; echo to-err >&2' 2>&1)"
  expect_contains "$out" "to-out"
  expect_contains "$out" "to-err"
  # The command's exit code comes back to the user.
  set +e
  out="$(kubectl exec shell -- sh -c 'exit 3' 2>&1)"; rc=$?
  set -e
  expect_eq "$rc" 3
  expect_contains "$out" "command terminated with exit code 3"
  # stdin, and its end.
  out="$(printf 'line1\nline2\n' | kubectl exec -i shell -- wc -l)"
  expect_eq "$(echo $out)" 2
  # Exec sees the pod's environment and hostname.
  expect_eq "$(kubectl exec shell -- hostname)" shell
  # A missing container is a clear error.
  set +e
  out="$(kubectl exec shell -c nope -- true 2>&1)"; rc=$?
  set -e
  [ "$rc" -ne 0 ]
  expect_contains "$out" "container nope is not valid for pod shell"
  kubectl delete pod shell --wait=true
}

test_exec_with_tty() {
  pod_yaml ttypod 'sleep 3600' | kubectl apply -f -
  wait_phase ttypod Running
  # script(1) gives kubectl a terminal so -t is honoured; the pty answers "tty" with a device.
  out="$(script -qec "kubectl exec -it ttypod -- sh -c 'tty; exit 0'" /dev/null | tr -d '\r')"
  expect_match "$out" '/dev/pts/[0-9]+'
  kubectl delete pod ttypod --wait=true
}

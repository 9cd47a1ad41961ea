# Conformance: test/e2e/kubectl/logs.go ([sig-cli] Kubectl logs).

# A pod logging three lines, then idle; the filters of `kubectl logs` applied to it.
t_sig_cli_kubectl_logs_logs_should_be_able_to_retrieve_and_filter_logs() {
  RESTART=Never conf_pod logs-generator 'echo line-one; echo line-two; echo line-three; sleep 3600' | kubectl apply -f - >/dev/null
  wait_running logs-generator
  eventually 20 sh -c 'kubectl logs logs-generator | grep -q line-three'
  expect_eq "$(kubectl logs logs-generator | wc -l)" 3
  expect_eq "$(kubectl logs logs-generator --tail=1)" "line-three"
  expect_eq "$(kubectl logs logs-generator --limit-bytes=1)" "l"
  out="$(kubectl logs logs-generator --tail=1 --timestamps)"
  expect_match "$out" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9:]+) line-three$'
  sleep 2   # the lines are now more than a second old
  expect_eq "$(kubectl logs logs-generator --since=1s | wc -l)" 0
  expect_eq "$(kubectl logs logs-generator --since=24h | wc -l)" 3
}

# Conformance: test/e2e/common/node/lease.go (sig-node Lease).

# [sig-node] Lease lease API should be available: create/get, update, patch keep the spec as
# written; a second labelled lease is listed, then removed by deletecollection with a label
# selector (only it); the first one is deleted and then not found.
t_sig_node_lease_lease_api_should_be_available() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: lease-one}
spec: {holderIdentity: holder, leaseDurationSeconds: 30, acquireTime: "2024-01-01T10:00:00.000000Z", renewTime: "2024-01-01T10:00:05.000000Z", leaseTransitions: 0}
YAML
  local l
  l="$(kubectl get lease lease-one -o json)"
  expect_eq "$(jq -r .spec.holderIdentity <<<"$l")" holder
  expect_eq "$(jq -r .spec.leaseDurationSeconds <<<"$l")" 30
  expect_match "$(jq -r .spec.acquireTime <<<"$l")" '^2024-01-01T10:00:00'
  # update (PUT)
  jq '.spec.holderIdentity="holder2" | .spec.leaseTransitions=1 | .spec.renewTime="2024-01-01T10:01:00.000000Z"' <<<"$l" |
    kubectl replace -f - >/dev/null
  l="$(kubectl get lease lease-one -o json)"
  expect_eq "$(jq -r .spec.holderIdentity <<<"$l")" holder2
  expect_eq "$(jq -r .spec.leaseTransitions <<<"$l")" 1
  expect_match "$(jq -r .spec.renewTime <<<"$l")" '^2024-01-01T10:01:00'
  # patch (strategic merge)
  kubectl patch lease lease-one -p '{"spec":{"holderIdentity":"holder3","leaseTransitions":2}}' >/dev/null
  l="$(kubectl get lease lease-one -o json)"
  expect_eq "$(jq -r .spec.holderIdentity <<<"$l")" holder3
  expect_eq "$(jq -r .spec.leaseTransitions <<<"$l")" 2
  expect_eq "$(jq -r .spec.leaseDurationSeconds <<<"$l")" 30
  # a second lease with labels; both listed
  kubectl apply -f - >/dev/null <<YAML
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: lease-two, labels: {deletecollection: "true"}}
spec: {holderIdentity: other}
YAML
  expect_eq "$(kubectl get leases -o name | sort | tr '\n' ' ')" "lease.coordination.k8s.io/lease-one lease.coordination.k8s.io/lease-two "
  # deletecollection by label removes only the labelled one
  kubectl delete --raw "/apis/coordination.k8s.io/v1/namespaces/$NS/leases?labelSelector=deletecollection%3Dtrue" >/dev/null
  expect_eq "$(kubectl get leases -o name)" "lease.coordination.k8s.io/lease-one"
  kubectl delete lease lease-one >/dev/null
  expect_fail kubectl get lease lease-one
  expect_contains "$OUT" NotFound
}

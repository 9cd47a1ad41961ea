# Conformance: test/e2e/network/endpointslicemirroring.go (sig-network EndpointSliceMirroring).

# [sig-network] EndpointSliceMirroring should mirror a custom Endpoints resource through create update and delete
# The Endpoints of a selector-less service are mirrored into a managed EndpointSlice that
# follows their updates and goes away with them.
t_sig_network_endpointslicemirroring_should_mirror_a_custom_endpoints_resource_through_create_update_and_delete() {
  expect_contains "$(kubectl get --raw /apis/discovery.k8s.io/v1)" '"name":"endpointslices"'
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: example-custom-endpoints}
spec:
  ports: [{name: example, port: 80, protocol: TCP}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: example-custom-endpoints, labels: {custom: mirrored}}
subsets:
- addresses: [{ip: 10.1.2.3}]
  ports: [{name: example, port: 80, protocol: TCP}]
YAML
  sel="kubernetes.io/service-name=example-custom-endpoints,endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io"
  q="{range .items[*]}{.addressType} {.endpoints[*].addresses[0]} {.ports[0].name}:{.ports[0].port}{\"\\n\"}{end}"
  eventually 20 sh -c "test \"\$(kubectl get endpointslices -l $sel -o jsonpath='$q')\" = 'IPv4 10.1.2.3 example:80'"
  out="$(kubectl get endpointslices -l "$sel" -o yaml)"
  expect_contains "$out" "custom: mirrored"
  expect_contains "$out" "kind: Endpoints"
  kubectl patch endpoints example-custom-endpoints --type=merge \
    -p '{"subsets":[{"addresses":[{"ip":"10.2.3.4"}],"ports":[{"name":"example","port":8080,"protocol":"TCP"}]}]}' >/dev/null
  eventually 20 sh -c "test \"\$(kubectl get endpointslices -l $sel -o jsonpath='$q')\" = 'IPv4 10.2.3.4 example:8080'"
  kubectl delete endpoints example-custom-endpoints >/dev/null
  eventually 20 sh -c "test -z \"\$(kubectl get endpointslices -l $sel -o name)\""
}

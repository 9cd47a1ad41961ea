# Conformance: test/e2e/network/endpointslice.go (sig-network EndpointSlice).

# cnet_discovery_has_endpointslices: discovery.k8s.io/v1 and its endpointslices resource are served.
cnet_discovery_has_endpointslices() {
  expect_contains "$(kubectl get --raw /apis)" '"name":"discovery.k8s.io"'
  expect_contains "$(kubectl get --raw /apis/discovery.k8s.io)" '"groupVersion":"discovery.k8s.io/v1"'
  expect_contains "$(kubectl get --raw /apis/discovery.k8s.io/v1)" '"name":"endpointslices"'
}

# cnet_slice_ips SVC: the addresses in the service's EndpointSlices, sorted, one per line.
cnet_slice_ips() {
  kubectl get endpointslices -l kubernetes.io/service-name="$1" \
    -o jsonpath='{range .items[*].endpoints[*]}{.addresses[0]}{"\n"}{end}' | sort
}
# cnet_endpoints_ips SVC: the addresses in the service's Endpoints, sorted.
cnet_endpoints_ips() {
  kubectl get endpoints "$1" -o jsonpath='{range .subsets[*].addresses[*]}{.ip}{"\n"}{end}' 2>/dev/null | sort
}

# [sig-network] EndpointSlice should have Endpoints and EndpointSlices pointing to API Server
# default/kubernetes has Endpoints and an EndpointSlice with the API server's address and port.
t_sig_network_endpointslice_should_have_endpoints_and_endpointslices_pointing_to_api_server() {
  cnet_discovery_has_endpointslices
  kubectl get service kubernetes -n default >/dev/null
  ep_ip="$(kubectl get endpoints kubernetes -n default -o jsonpath='{.subsets[0].addresses[0].ip}')"
  ep_port="$(kubectl get endpoints kubernetes -n default -o jsonpath='{.subsets[0].ports[0].port}')"
  expect_match "$ep_ip" '^[0-9.]+$'
  sl="$(kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes \
    -o jsonpath='{range .items[*]}{.endpoints[0].addresses[0]}:{.ports[0].port}{"\n"}{end}')"
  expect_eq "$sl" "$ep_ip:$ep_port"
  # It is the API server: the address answers the API on that port.
  expect_eq "$(curl -sk --max-time 5 -o /dev/null -w '%{http_code}' "https://$ep_ip:$ep_port/healthz")" 200
}

# [sig-network] EndpointSlice should create Endpoints and EndpointSlices for Pods matching a Service
# A service with a selector gets Endpoints and EndpointSlices listing its matching pods.
t_sig_network_endpointslice_should_create_endpoints_and_endpointslices_for_pods_matching_a_service() {
  cnet_discovery_has_endpointslices
  conf_netexec_pod pod1 'app: es-test' | kubectl apply -f - >/dev/null
  conf_netexec_pod pod2 'app: es-test' | kubectl apply -f - >/dev/null
  conf_netexec_pod other 'app: unrelated' | kubectl apply -f - >/dev/null
  kubectl create service clusterip example-int-port --tcp=80:8080 >/dev/null
  kubectl patch service example-int-port -p '{"spec":{"selector":{"app":"es-test"}}}' >/dev/null
  wait_running pod1; wait_running pod2
  want="$(printf '%s\n%s\n' "$(pod_ip pod1)" "$(pod_ip pod2)" | sort)"
  eventually 30 sh -c "test \"\$(kubectl get endpointslices -l kubernetes.io/service-name=example-int-port -o jsonpath='{range .items[*].endpoints[*]}{.addresses[0]}{\"\\n\"}{end}' | sort)\" = \"$want\""
  expect_eq "$(cnet_slice_ips example-int-port)" "$want"
  expect_eq "$(cnet_endpoints_ips example-int-port)" "$want"
  out="$(kubectl get endpointslices -l kubernetes.io/service-name=example-int-port -o yaml)"
  expect_contains "$out" "endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io"
  expect_contains "$out" "port: 8080"
  expect_contains "$out" "name: pod1"
}

# [sig-network] EndpointSlice should create and delete Endpoints and EndpointSlices for a Service with a selector specified
# The controller creates the service's Endpoints and slices, and deletes them with the service.
t_sig_network_endpointslice_should_create_and_delete_endpoints_and_endpointslices_for_a_service_with_a_selector_specified() {
  cnet_discovery_has_endpointslices
  kubectl create service clusterip example-empty-selector --tcp=80:8080 >/dev/null
  kubectl patch service example-empty-selector -p '{"spec":{"selector":{"app":"nothing"}}}' >/dev/null
  eventually 20 kubectl get endpoints example-empty-selector
  eventually 20 sh -c "kubectl get endpointslices -l kubernetes.io/service-name=example-empty-selector -o name | grep -q ."
  kubectl delete service example-empty-selector >/dev/null
  eventually 30 sh -c "! kubectl get endpoints example-empty-selector 2>/dev/null"
  eventually 30 sh -c "test -z \"\$(kubectl get endpointslices -l kubernetes.io/service-name=example-empty-selector -o name)\""
}

# [sig-network] EndpointSlice should support creating EndpointSlice API operations
# endpointslices: create, get, list (namespaced and all), watch, update, patch, delete, deletecollection.
t_sig_network_endpointslice_should_support_creating_endpointslice_api_operations() {
  cnet_discovery_has_endpointslices
  base="/apis/discovery.k8s.io/v1/namespaces/$NS/endpointslices"
  for i in 1 2 3; do
    out="$(api POST "$base" -H 'Content-Type: application/json' -d "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"e2e-es-$i\",\"labels\":{\"e2e-es\":\"$NS\"}},\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"1.2.3.$i\"]}],\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\"}]}")"
    expect_contains "$out" "\"name\":\"e2e-es-$i\""
  done
  expect_contains "$(api GET "$base/e2e-es-1")" '"1.2.3.1"'
  expect_eq "$(kubectl get endpointslices -l e2e-es="$NS" -o name | wc -l)" 3
  expect_eq "$(kubectl get endpointslices -A -l e2e-es="$NS" -o name | wc -l)" 3
  rv="$(kubectl get endpointslices -l e2e-es="$NS" -o jsonpath='{.metadata.resourceVersion}')"
  # watch from the list's revision: the patch and update below must show up as MODIFIED.
  api GET "$base?watch=1&labelSelector=e2e-es%3D$NS&resourceVersion=$rv&timeoutSeconds=8" >watch.out &
  wpid=$!
  sleep 0.5
  kubectl patch endpointslice e2e-es-1 -p '{"metadata":{"annotations":{"patched":"true"}}}' >/dev/null
  expect_eq "$(kubectl get endpointslice e2e-es-1 -o jsonpath='{.metadata.annotations.patched}')" true
  kubectl get endpointslice e2e-es-2 -o json | sed 's/"1.2.3.2"/"1.2.3.22"/' | kubectl replace -f - >/dev/null
  expect_eq "$(kubectl get endpointslice e2e-es-2 -o jsonpath='{.endpoints[0].addresses[0]}')" 1.2.3.22
  kubectl delete endpointslice e2e-es-3 >/dev/null
  expect_fail kubectl get endpointslice e2e-es-3
  wait "$wpid" || true
  w="$(cat watch.out)"
  expect_contains "$w" '"type":"MODIFIED"'
  expect_contains "$w" '"patched":"true"'
  expect_contains "$w" '"1.2.3.22"'
  expect_contains "$w" '"type":"DELETED"'
  api DELETE "$base?labelSelector=e2e-es%3D$NS" >/dev/null
  eventually 10 sh -c "test -z \"\$(kubectl get endpointslices -l e2e-es=$NS -o name)\""
}

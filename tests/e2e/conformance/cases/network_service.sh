# Conformance: test/e2e/network/service.go (sig-network Services). netexec stands in for agnhost
# netexec/serve-hostname (HTTP /hostname), udp-serve-hostname and udp-ask for its UDP side (they
# run the host's python3 from a read-only hostPath mount of /: busybox nc has no UDP); plain
# pods stand in for the ReplicationControllers; the host (the node) is the hostNetwork client.

# cnet_svc_backends PREFIX N [PORT]: N Ready netexec pods PREFIX-1..N labelled app=PREFIX
# (HTTP on PORT, default 8080, port name http).
cnet_svc_backends() {
  local i port="${3:-8080}"
  for i in $(seq 1 "$2"); do
    cat <<YAML
---
apiVersion: v1
kind: Pod
metadata: {name: $1-$i, labels: {app: $1}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["netexec", "$port"]
    ports: [{containerPort: $port, name: http}]
    readinessProbe: {httpGet: {path: /hostname, port: $port}, periodSeconds: 1}
YAML
  done | kubectl apply -f - >/dev/null
  for i in $(seq 1 "$2"); do wait_running "$1-$i"; done
}

# cnet_svc_client: the client pod "client" (sleeping; host mount for udp-ask), Ready.
cnet_svc_client() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
    volumeMounts: [{name: host, mountPath: /host, readOnly: true}]
  volumes: [{name: host, hostPath: {path: /}}]
YAML
  wait_running client
}

# cnet_svc_hits URL N: N requests from the client pod; one answer (hostname or FAILED) per line.
cnet_svc_hits() {
  kubectl exec client -- sh -c "for i in \$(seq 1 $2); do timeout 5 wget -q -O- $1 || echo FAILED; done"
}
# cnet_host_hits URL N: N requests from the host.
cnet_host_hits() {
  local i
  for i in $(seq 1 "$2"); do curl -s --max-time 5 "$1" || echo FAILED; done
}

# cnet_svc_reachable URL: eventually one request from the client pod answers a backend hostname.
cnet_svc_reachable() {
  eventually 30 sh -c "kubectl exec client -- timeout 5 wget -q -O- $1 | grep -q ."
}

# cnet_svc_ready SVC N: the service's EndpointSlices list N ready endpoints.
cnet_svc_ready() {
  eventually 40 sh -c "test \"\$(kubectl get endpointslices -l kubernetes.io/service-name=$1 -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{\"\\n\"}{end}' | grep -c .)\" = $2"
}

# cnet_node_ip: an address of the node that pods and the host reach: its InternalIP, or, when
# that is loopback (berth up reports 127.0.0.1, which nftables NodePorts do not serve, as with
# kube-proxy's nftables mode), the node's bridge gateway address.
cnet_node_ip() {
  local ip; ip="$(kubectl get node "$NODE" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')"
  case "$ip" in 127.*) echo "${NODE_POD_CIDR%.0/24}.1" ;; *) echo "$ip" ;; esac
}

# cnet_wait_eq SECONDS WANT CMD...: eventually CMD prints WANT (shows the last value if never).
cnet_wait_eq() {
  local deadline=$(( SECONDS + $1 )) want="$2" got; shift 2
  while :; do
    got="$("$@" 2>&1)" && [ "$got" = "$want" ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "never got [$want] from: $*"; echo "last: [$got]"; kubectl get endpoints -o yaml | tail -40; return 1
    fi
    sleep 0.2
  done
}
# cnet_ep SVC JSONPATH: the service's Endpoints through a jsonpath.
cnet_ep() { kubectl get endpoints "$1" -o jsonpath="$2"; }
# cnet_ep_sorted SVC JSONPATH: the same, space-separated words sorted.
cnet_ep_sorted() { cnet_ep "$1" "$2" | tr ' ' '\n' | grep . | sort | tr '\n' ' '; }

# cnet_distinct LINES: the number of distinct non-FAILED lines.
cnet_distinct() { grep -v '^FAILED$' <<<"$1" | sort -u | grep -c . || true; }

# [sig-network] Services should provide secure master service
# default/kubernetes exists with the https port 443.
t_sig_network_services_should_provide_secure_master_service() {
  out="$(kubectl get service kubernetes -n default -o jsonpath='{.spec.ports[0].name}/{.spec.ports[0].port}/{.spec.ports[0].protocol}')"
  expect_eq "$out" "https/443/TCP"
}

# [sig-network] Services should find a service from listing all namespaces
# Listing services in all namespaces includes default/kubernetes.
t_sig_network_services_should_find_a_service_from_listing_all_namespaces() {
  out="$(kubectl get services -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\n"}{end}')"
  expect_contains "$out" "default/kubernetes"
  expect_contains "$(api GET /api/v1/services)" '"namespace":"default"'
}

# [sig-network] Services should delete a collection of services
# A deletecollection by label selector removes exactly the labelled services.
t_sig_network_services_should_delete_a_collection_of_services() {
  for i in 1 2 3; do
    kubectl create service clusterip "e2e-svc-$i" --tcp=8888:8888 >/dev/null
    kubectl label service "e2e-svc-$i" e2e-test-service=delete >/dev/null
  done
  kubectl create service clusterip e2e-svc-keep --tcp=8888:8888 >/dev/null
  expect_eq "$(kubectl get services -l e2e-test-service=delete -o name | wc -l)" 3
  out="$(api DELETE "/api/v1/namespaces/$NS/services?labelSelector=e2e-test-service%3Ddelete")"
  expect_contains "$out" '"kind":"ServiceList"'
  eventually 20 sh -c "test \"\$(kubectl get services -o name)\" = service/e2e-svc-keep"
}

# [sig-network] Services should complete a service status lifecycle
# get/patch/update of services/status, then a patch of the service and a watched delete.
t_sig_network_services_should_complete_a_service_status_lifecycle() {
  kubectl create service clusterip test-service-st --tcp=80:80 >/dev/null
  kubectl label service test-service-st test-service-static=true >/dev/null
  path="/api/v1/namespaces/$NS/services/test-service-st"
  expect_contains "$(kubectl get --raw "$path/status")" '"name":"test-service-st"'
  out="$(api PATCH "$path/status" -H 'Content-Type: application/merge-patch+json' \
    -d '{"metadata":{"annotations":{"patchedstatus":"true"}},"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.1"}]}}}')"
  expect_contains "$out" '"ip":"203.0.113.1"'
  expect_eq "$(kubectl get service test-service-st -o jsonpath='{.status.loadBalancer.ingress[0].ip}')" 203.0.113.1
  expect_eq "$(kubectl get service test-service-st -o jsonpath='{.metadata.annotations.patchedstatus}')" true
  cur="$(kubectl get --raw "$path/status")"
  new="$(python3 -c '
import json, sys
o = json.loads(sys.argv[1])
o["status"]["conditions"] = [{"type": "StatusUpdate", "status": "True", "reason": "E2E",
  "message": "Set from e2e test", "lastTransitionTime": "2026-01-01T00:00:00Z"}]
print(json.dumps(o))' "$cur")"
  out="$(api PUT "$path/status" -H 'Content-Type: application/json' -d "$new")"
  expect_contains "$out" '"reason":"E2E"'
  expect_eq "$(kubectl get service test-service-st -o jsonpath='{.status.conditions[0].type}')" StatusUpdate
  # status writes leave the spec alone; a patch of the service changes it.
  # (a JSON merge patch replaces the port list; a strategic one would merge by port)
  kubectl patch service test-service-st --type=merge -p '{"metadata":{"labels":{"test-service":"patched"}},"spec":{"ports":[{"name":"http","port":8080,"targetPort":8080,"protocol":"TCP"}]}}' >/dev/null
  expect_eq "$(kubectl get service test-service-st -o jsonpath='{.metadata.labels.test-service}/{.spec.ports[*].port}')" "patched/8080"
  rv="$(kubectl get services -l test-service-static=true -o jsonpath='{.metadata.resourceVersion}')"
  api GET "/api/v1/namespaces/$NS/services?watch=1&labelSelector=test-service-static%3Dtrue&resourceVersion=$rv&timeoutSeconds=5" >watch.out &
  wpid=$!
  sleep 0.5
  kubectl delete service test-service-st >/dev/null
  wait "$wpid" || true
  expect_contains "$(cat watch.out)" '"type":"DELETED"'
}

# [sig-network] Services should test the lifecycle of an Endpoint
# Endpoints: create, list by label in all namespaces, update, patch (address and port),
# deletecollection by label observed as DELETED by a watch.
t_sig_network_services_should_test_the_lifecycle_of_an_endpoint() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Endpoints
metadata: {name: testservice, labels: {test-endpoint-static: "true"}}
subsets:
- addresses: [{ip: 10.0.0.24}]
  ports: [{name: http, port: 80, protocol: TCP}]
YAML
  expect_eq "$(kubectl get endpoints testservice -o jsonpath='{.subsets[0].addresses[0].ip}')" 10.0.0.24
  expect_contains "$(kubectl get endpoints -A -l test-endpoint-static=true -o name)" "testservice"
  kubectl get endpoints testservice -o json | python3 -c '
import json, sys
o = json.load(sys.stdin); o["metadata"]["labels"]["test-service"] = "updated"; print(json.dumps(o))' |
    kubectl replace -f - >/dev/null
  expect_eq "$(kubectl get endpoints testservice -o jsonpath='{.metadata.labels.test-service}')" updated
  kubectl patch endpoints testservice --type=merge -p '{"metadata":{"labels":{"test-service":"patched"}},"subsets":[{"addresses":[{"ip":"10.0.0.25"}],"ports":[{"name":"http-test","port":8080,"protocol":"TCP"}]}]}' >/dev/null
  expect_eq "$(kubectl get endpoints testservice -o jsonpath='{.metadata.labels.test-service} {.subsets[0].addresses[0].ip} {.subsets[0].ports[0].name}:{.subsets[0].ports[0].port}')" \
    "patched 10.0.0.25 http-test:8080"
  rv="$(kubectl get endpoints -l test-endpoint-static=true -o jsonpath='{.metadata.resourceVersion}')"
  api GET "/api/v1/namespaces/$NS/endpoints?watch=1&labelSelector=test-endpoint-static%3Dtrue&resourceVersion=$rv&timeoutSeconds=5" >watch.out &
  wpid=$!
  sleep 0.5
  api DELETE "/api/v1/namespaces/$NS/endpoints?labelSelector=test-endpoint-static%3Dtrue" >/dev/null
  wait "$wpid" || true
  expect_contains "$(cat watch.out)" '"type":"DELETED"'
  expect_fail kubectl get endpoints testservice
}

# [sig-network] Services should serve a basic endpoint from pods
# The service's endpoints follow its pods: none, pod1, pod1+pod2, pod2, none; and it serves.
t_sig_network_services_should_serve_a_basic_endpoint_from_pods() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: endpoint-test2}
spec:
  selector: {app: endpoint-test2}
  ports: [{port: 80, targetPort: 80}]
YAML
  q='{range .subsets[*]}{range .addresses[*]}{.targetRef.name}{":"}{end}{.ports[*].port}{" "}{end}'
  eventually 20 kubectl get endpoints endpoint-test2
  expect_eq "$(kubectl get endpoints endpoint-test2 -o jsonpath="$q")" ""
  cnet_svc_backends endpoint-test2 1 80
  cnet_wait_eq 30 'endpoint-test2-1:80 ' cnet_ep endpoint-test2 "$q"
  cnet_svc_backends endpoint-test2 2 80
  cnet_wait_eq 30 'endpoint-test2-1:endpoint-test2-2:80 ' cnet_ep endpoint-test2 "$q"
  cnet_svc_ready endpoint-test2 2
  cnet_svc_client
  cnet_svc_reachable http://endpoint-test2:80/hostname
  kubectl delete pod endpoint-test2-1 --wait=false >/dev/null
  cnet_wait_eq 30 'endpoint-test2-2:80 ' cnet_ep endpoint-test2 "$q"
  kubectl delete pod endpoint-test2-2 --wait=false >/dev/null
  cnet_wait_eq 30 '' cnet_ep endpoint-test2 "$q"
}

# [sig-network] Services should serve multiport endpoints from pods
# Two named target ports served by two pods: the endpoints list each pod on its port only.
t_sig_network_services_should_serve_multiport_endpoints_from_pods() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: multi-endpoint-test}
spec:
  selector: {app: multi-endpoint-test}
  ports:
  - {name: portname1, port: 80, targetPort: svc1}
  - {name: portname2, port: 81, targetPort: svc2}
YAML
  q='{range .subsets[*]}{range .addresses[*]}{.targetRef.name}{"="}{end}{range .ports[*]}{.name}{":"}{.port}{end}{" "}{end}'
  eventually 20 kubectl get endpoints multi-endpoint-test
  expect_eq "$(kubectl get endpoints multi-endpoint-test -o jsonpath="$q")" ""
  for spec in "pod1 100 svc1" "pod2 101 svc2"; do
    set -- $spec
    kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1, labels: {app: multi-endpoint-test}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["netexec", "$2"]
    ports: [{containerPort: $2, name: $3}]
    readinessProbe: {tcpSocket: {port: $2}, periodSeconds: 1}
YAML
    wait_running "$1"
    if [ "$1" = pod1 ]; then
      cnet_wait_eq 30 'pod1=portname1:100 ' cnet_ep multi-endpoint-test "$q"
    fi
  done
  cnet_wait_eq 30 'pod1=portname1:100 pod2=portname2:101 ' cnet_ep_sorted multi-endpoint-test "$q"
  cnet_svc_client
  eventually 30 sh -c "kubectl exec client -- timeout 5 wget -q -O- http://multi-endpoint-test:80/hostname | grep -qx pod1"
  eventually 30 sh -c "kubectl exec client -- timeout 5 wget -q -O- http://multi-endpoint-test:81/hostname | grep -qx pod2"
  kubectl delete pod pod1 --wait=false >/dev/null
  cnet_wait_eq 30 'pod2=portname2:101 ' cnet_ep multi-endpoint-test "$q"
  kubectl delete pod pod2 --wait=false >/dev/null
  cnet_wait_eq 30 '' cnet_ep multi-endpoint-test "$q"
}

# [sig-network] Services should serve endpoints on same port and different protocols
# One service port number for TCP and UDP; dropping one protocol stops only that one.
t_sig_network_services_should_serve_endpoints_on_same_port_and_different_protocols() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: dual, labels: {app: dual}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "udp-serve-hostname 80 & exec netexec 80"]
    ports: [{containerPort: 80, name: tcp, protocol: TCP}, {containerPort: 80, name: udp, protocol: UDP}]
    readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 1}
    volumeMounts: [{name: host, mountPath: /host, readOnly: true}]
  volumes: [{name: host, hostPath: {path: /}}]
---
apiVersion: v1
kind: Service
metadata: {name: multiprotocol-test}
spec:
  selector: {app: dual}
  ports:
  - {name: tcp-port, port: 80, targetPort: 80, protocol: TCP}
  - {name: udp-port, port: 80, targetPort: 80, protocol: UDP}
YAML
  wait_running dual
  cnet_svc_client
  ip="$(kubectl get service multiprotocol-test -o jsonpath='{.spec.clusterIP}')"
  eventually 30 sh -c "kubectl exec client -- timeout 5 wget -q -O- http://$ip:80/hostname | grep -qx dual"
  eventually 30 sh -c "kubectl exec client -- udp-ask $ip 80 | grep -qx dual"
  kubectl patch service multiprotocol-test --type=json -p '[{"op":"remove","path":"/spec/ports/1"}]' >/dev/null
  eventually 30 sh -c "! kubectl exec client -- udp-ask $ip 80"
  eventually 30 sh -c "kubectl exec client -- timeout 5 wget -q -O- http://$ip:80/hostname | grep -qx dual"
  kubectl patch service multiprotocol-test --type=json \
    -p '[{"op":"replace","path":"/spec/ports","value":[{"name":"udp-port","port":80,"targetPort":80,"protocol":"UDP"}]}]' >/dev/null
  eventually 30 sh -c "kubectl exec client -- udp-ask $ip 80 | grep -qx dual"
  eventually 30 sh -c "! kubectl exec client -- timeout 3 wget -q -O- http://$ip:80/hostname"
}

# [sig-network] Services should be able to create a functioning NodePort service
# A NodePort service answers by name and cluster IP from a pod and on the node's IP:nodePort.
t_sig_network_services_should_be_able_to_create_a_functioning_nodeport_service() {
  cnet_svc_backends nodeport-test 2
  kubectl create service nodeport nodeport-test --tcp=80:8080 >/dev/null
  kubectl patch service nodeport-test -p '{"spec":{"selector":{"app":"nodeport-test"}}}' >/dev/null
  np="$(kubectl get service nodeport-test -o jsonpath='{.spec.ports[0].nodePort}')"
  ip="$(kubectl get service nodeport-test -o jsonpath='{.spec.clusterIP}')"
  expect_match "$np" '^[0-9]+$'
  cnet_svc_ready nodeport-test 2
  cnet_svc_client
  cnet_svc_reachable http://nodeport-test:80/hostname
  cnet_svc_reachable "http://$ip:80/hostname"
  eventually 30 sh -c "curl -s --max-time 3 http://$(cnet_node_ip):$np/hostname | grep -q nodeport-test-"
  cnet_svc_reachable "http://$(cnet_node_ip):$np/hostname"
}

# cnet_affinity_service NAME TYPE: a service over 3 backends with sessionAffinity ClientIP.
cnet_affinity_service() {
  cnet_svc_backends "$1" 3
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: $1}
spec:
  type: $2
  selector: {app: $1}
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: 8080}]
YAML
  cnet_svc_ready "$1" 3
}

# cnet_affinity_sticky HITS-COMMAND...: eventually 10 hits all go to one backend.
cnet_affinity_sticky() {
  local deadline=$(( SECONDS + 30 )) hits
  while :; do
    hits="$("$@")"
    if ! grep -q FAILED <<<"$hits" && [ "$(cnet_distinct "$hits")" = 1 ]; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then echo "not sticky:"; echo "$hits"; return 1; fi
    sleep 0.5
  done
}
# cnet_affinity_spread HITS-COMMAND...: eventually 30 hits reach more than one backend.
cnet_affinity_spread() {
  local deadline=$(( SECONDS + 30 )) hits
  while :; do
    hits="$("$@")"
    if ! grep -q FAILED <<<"$hits" && [ "$(cnet_distinct "$hits")" -gt 1 ]; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then echo "never spread:"; echo "$hits"; return 1; fi
    sleep 0.5
  done
}

# [sig-network] Services should have session affinity work for service with type clusterIP
# With ClientIP affinity every request from one client reaches the same backend.
t_sig_network_services_should_have_session_affinity_work_for_service_with_type_clusterip() {
  cnet_affinity_service affinity-clusterip ClusterIP
  cnet_svc_client
  ip="$(kubectl get service affinity-clusterip -o jsonpath='{.spec.clusterIP}')"
  cnet_svc_reachable http://affinity-clusterip/hostname
  cnet_affinity_sticky cnet_svc_hits "http://$ip:80/hostname" 15
  cnet_affinity_sticky cnet_svc_hits http://affinity-clusterip/hostname 15
}

# [sig-network] Services should have session affinity work for NodePort service
# With ClientIP affinity, requests to node IP:nodePort (and the cluster IP) stick to one backend.
t_sig_network_services_should_have_session_affinity_work_for_nodeport_service() {
  cnet_affinity_service affinity-nodeport NodePort
  np="$(kubectl get service affinity-nodeport -o jsonpath='{.spec.ports[0].nodePort}')"
  url="http://$(cnet_node_ip):$np/hostname"
  eventually 30 sh -c "curl -s --max-time 3 $url | grep -q affinity-nodeport-"
  cnet_affinity_sticky cnet_host_hits "$url" 15
  cnet_svc_client
  cnet_svc_reachable http://affinity-nodeport/hostname
  cnet_affinity_sticky cnet_svc_hits http://affinity-nodeport/hostname 15
}

# [sig-network] Services should be able to switch session affinity for service with type clusterIP
# ClientIP -> None spreads requests over the backends; back to ClientIP sticks again.
t_sig_network_services_should_be_able_to_switch_session_affinity_for_service_with_type_clusterip() {
  cnet_affinity_service affinity-clusterip-transition ClusterIP
  cnet_svc_client
  url="http://affinity-clusterip-transition/hostname"
  cnet_svc_reachable "$url"
  cnet_affinity_sticky cnet_svc_hits "$url" 15
  kubectl patch service affinity-clusterip-transition -p '{"spec":{"sessionAffinity":"None"}}' >/dev/null
  cnet_affinity_spread cnet_svc_hits "$url" 30
  kubectl patch service affinity-clusterip-transition -p '{"spec":{"sessionAffinity":"ClientIP"}}' >/dev/null
  cnet_affinity_sticky cnet_svc_hits "$url" 15
}

# [sig-network] Services should be able to switch session affinity for NodePort service
# The same switch, observed on the node's IP:nodePort.
t_sig_network_services_should_be_able_to_switch_session_affinity_for_nodeport_service() {
  cnet_affinity_service affinity-nodeport-transition NodePort
  np="$(kubectl get service affinity-nodeport-transition -o jsonpath='{.spec.ports[0].nodePort}')"
  url="http://$(cnet_node_ip):$np/hostname"
  eventually 30 sh -c "curl -s --max-time 3 $url | grep -q affinity-nodeport-transition-"
  cnet_affinity_sticky cnet_host_hits "$url" 15
  kubectl patch service affinity-nodeport-transition -p '{"spec":{"sessionAffinity":"None"}}' >/dev/null
  cnet_affinity_spread cnet_host_hits "$url" 30
  kubectl patch service affinity-nodeport-transition -p '{"spec":{"sessionAffinity":"ClientIP"}}' >/dev/null
  cnet_affinity_sticky cnet_host_hits "$url" 15
}

# cnet_externalname_target: service externalsvc (ClusterIP over 2 backends) for ExternalName tests.
cnet_externalname_target() {
  cnet_svc_backends externalsvc 2
  kubectl create service clusterip externalsvc --tcp=80:8080 >/dev/null
  kubectl patch service externalsvc -p '{"spec":{"selector":{"app":"externalsvc"}}}' >/dev/null
  cnet_svc_ready externalsvc 2
}

# cnet_expect_externalname SVC: no cluster IP or node ports; its name resolves (as a CNAME to
# externalsvc) and serves externalsvc's backends.
cnet_expect_externalname() {
  expect_eq "$(kubectl get service "$1" -o jsonpath='{.spec.type}|{.spec.clusterIP}|{.spec.ports[*].nodePort}')" "ExternalName||"
  eventually 30 sh -c "kubectl exec client -- nslookup -type=CNAME $1.$NS.svc.cluster.local | grep -q 'externalsvc.$NS.svc.cluster.local'"
  cnet_svc_reachable "http://$1:80/hostname"
}

# [sig-network] Services should be able to change the type from ClusterIP to ExternalName
# The update drops the cluster IP; the name becomes a CNAME to the external name.
t_sig_network_services_should_be_able_to_change_the_type_from_clusterip_to_externalname() {
  cnet_externalname_target
  cnet_svc_client
  kubectl create service clusterip clusterip-service --tcp=80:8080 >/dev/null
  expect_match "$(kubectl get service clusterip-service -o jsonpath='{.spec.clusterIP}')" '^[0-9.]+$'
  kubectl patch service clusterip-service -p "{\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"externalsvc.$NS.svc.cluster.local\"}}" >/dev/null
  cnet_expect_externalname clusterip-service
}

# [sig-network] Services should be able to change the type from NodePort to ExternalName
# The update drops the cluster IP and releases the node port.
t_sig_network_services_should_be_able_to_change_the_type_from_nodeport_to_externalname() {
  cnet_externalname_target
  cnet_svc_client
  kubectl create service nodeport nodeport-service --tcp=80:8080 >/dev/null
  np="$(kubectl get service nodeport-service -o jsonpath='{.spec.ports[0].nodePort}')"
  expect_match "$np" '^[0-9]+$'
  kubectl patch service nodeport-service -p "{\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"externalsvc.$NS.svc.cluster.local\"}}" >/dev/null
  cnet_expect_externalname nodeport-service
  # The node port is free again: another service can take it.
  kubectl create service nodeport np-reuse --tcp=80:8080 --node-port "$np" >/dev/null
  expect_eq "$(kubectl get service np-reuse -o jsonpath='{.spec.ports[0].nodePort}')" "$np"
}

# [sig-network] Services should be able to change the type from ExternalName to ClusterIP
# The update assigns a cluster IP; the service serves by name and cluster IP.
t_sig_network_services_should_be_able_to_change_the_type_from_externalname_to_clusterip() {
  cnet_svc_backends externalname-service 2
  kubectl create service externalname externalname-service --external-name foo.example.com >/dev/null
  expect_eq "$(kubectl get service externalname-service -o jsonpath='{.spec.clusterIP}')" ""
  kubectl patch service externalname-service -p '{"spec":{"type":"ClusterIP","externalName":null,"selector":{"app":"externalname-service"},"ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}]}}' >/dev/null
  ip="$(kubectl get service externalname-service -o jsonpath='{.spec.clusterIP}')"
  expect_match "$ip" '^[0-9.]+$'
  cnet_svc_ready externalname-service 2
  cnet_svc_client
  cnet_svc_reachable http://externalname-service:80/hostname
  cnet_svc_reachable "http://$ip:80/hostname"
}

# [sig-network] Services should be able to change the type from ExternalName to NodePort
# The update assigns a cluster IP and a node port; it serves on both and by name.
t_sig_network_services_should_be_able_to_change_the_type_from_externalname_to_nodeport() {
  cnet_svc_backends externalname-np 2
  kubectl create service externalname externalname-np --external-name foo.example.com >/dev/null
  expect_eq "$(kubectl get service externalname-np -o jsonpath='{.spec.clusterIP}')" ""
  kubectl patch service externalname-np -p '{"spec":{"type":"NodePort","externalName":null,"selector":{"app":"externalname-np"},"ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}]}}' >/dev/null
  ip="$(kubectl get service externalname-np -o jsonpath='{.spec.clusterIP}')"
  np="$(kubectl get service externalname-np -o jsonpath='{.spec.ports[0].nodePort}')"
  expect_match "$ip" '^[0-9.]+$'
  expect_match "$np" '^[0-9]+$'
  cnet_svc_ready externalname-np 2
  cnet_svc_client
  cnet_svc_reachable http://externalname-np:80/hostname
  cnet_svc_reachable "http://$ip:80/hostname"
  eventually 30 sh -c "curl -s --max-time 3 http://$(cnet_node_ip):$np/hostname | grep -q externalname-np-"
}

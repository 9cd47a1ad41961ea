# Issue 5 on a real node: Services through the agent's nftables proxy, EndpointSlices and the
# node-local cluster DNS, with real containers, driven by kubectl (and dig from the host).

# Addresses derived from the run's CIDRs (both /24): the bridge gateway and the cluster DNS.
svc_gateway_ip() { echo "${NODE_POD_CIDR%.0/24}.1"; }
svc_dns_ip() { echo "${NODE_SVC_CIDR%.0/24}.10"; }

# Tests run in name order (test_svcNN_*): later ones reuse the web5 Deployment.

# An HTTP backend that answers its own pod name. svc_backend_yaml NAME REPLICAS [extra container yaml]
svc_backend_yaml() {
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1}
spec:
  replicas: $2
  selector: {matchLabels: {app: $1}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: c
        image: $NODE_IMAGE
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "mkdir -p /tmp/www && hostname > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
        ports: [{name: http, containerPort: 8080}]
        env: [{name: REV, value: "${REV:-1}"}]
        readinessProbe:
          tcpSocket: {port: 8080}
          periodSeconds: 1
${3:-}
YAML
}

# A long-running client pod in the default namespace.
svc_client() {
  kubectl get pod svc-client >/dev/null 2>&1 && return 0
  pod_yaml svc-client 'exec sleep 100000' | kubectl apply -f - >/dev/null
  wait_phase svc-client Running 60
}

# svc_hits URL N: N requests from the client pod; prints one answering pod name per line.
svc_hits() {
  kubectl exec svc-client -- sh -c "for i in \$(seq 1 $2); do timeout 5 wget -q -O- $1 || echo FAILED; done"
}

svc_wait_endpoints() {  # svc_wait_endpoints SVC N: N ready endpoints in the service's slices
  local got=""
  for _ in $(seq 1 300); do
    got="$(kubectl get endpointslices -l kubernetes.io/service-name="$1" \
      -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{"\n"}{end}' | grep -c . || true)"
    [ "$got" = "$2" ] && return 0
    sleep 0.1
  done
  echo "service $1: $got ready endpoints, wanted $2"; kubectl get endpointslices -o yaml; return 1
}

test_svc01_service_spreads_over_ready_pods_only() {
  svc_backend_yaml web5 3 | kubectl apply -f -
  kubectl rollout status deployment/web5 --timeout=90s
  # `kubectl expose` builds the Service from the Deployment's selector.
  kubectl expose deployment web5 --port 80 --target-port http
  # Name the port, for the SRV records later (expose leaves a single port unnamed).
  kubectl patch service web5 --type=json -p '[{"op":"add","path":"/spec/ports/0/name","value":"http"}]'
  ip="$(kubectl get svc web5 -o jsonpath='{.spec.clusterIP}')"
  expect_match "$ip" "^${NODE_SVC_CIDR%.0/24}\.[0-9]+$"
  # A pod with the same labels that never becomes ready must get no traffic.
  pod_yaml web5-unready 'mkdir -p /tmp/www && echo UNREADY > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www' \
    '    readinessProbe: {exec: {command: ["false"]}, periodSeconds: 1}
    ports: [{name: http, containerPort: 8080}]' |
    sed 's/^  name: web5-unready/  name: web5-unready\n  labels: {app: web5}/' | kubectl apply -f -
  wait_phase web5-unready Running 60
  svc_wait_endpoints web5 3
  out="$(kubectl get endpointslices -l kubernetes.io/service-name=web5 -o yaml)"
  expect_contains "$out" "name: http"
  expect_contains "$out" "port: 8080"
  expect_contains "$out" "nodeName: node-$NODE_ID"
  # The unready pod is listed, not ready (once the controller has seen its IP).
  wait_for 30 sh -c "kubectl get endpointslices -l kubernetes.io/service-name=web5 -o yaml | grep -q 'name: web5-unready'"
  out="$(kubectl get endpointslices -l kubernetes.io/service-name=web5 -o yaml)"
  expect_contains "$out" "ready: false"
  kubectl get endpoints web5 -o yaml | grep -q notReadyAddresses
  svc_client
  hits="$(svc_hits http://web5 60)"
  expect_not_contains "$hits" FAILED
  expect_not_contains "$hits" UNREADY
  for p in $(kubectl get pods -l app=web5 -o jsonpath='{range .items[?(@.metadata.ownerReferences)]}{.metadata.name}{"\n"}{end}'); do
    expect_contains "$hits" "$p"
  done
  # From the host as well (output chain), by cluster IP.
  curl -sf --max-time 3 "http://$ip/" | grep -q web5-
  kubectl delete pod web5-unready
}

test_svc02_service_scaling_changes_backends() {
  kubectl delete pod web5-unready --ignore-not-found
  svc_client
  kubectl scale deployment web5 --replicas=1
  wait_ready_count app=web5 1 60
  svc_wait_endpoints web5 1
  only="$(kubectl get pods -l app=web5 -o jsonpath='{.items[0].metadata.name}')"
  hits="$(svc_hits http://web5.default.svc.cluster.local 20 | sort -u)"
  expect_eq "$hits" "$only"
  kubectl scale deployment web5 --replicas=3
  wait_ready_count app=web5 3 60
  svc_wait_endpoints web5 3
  hits="$(svc_hits http://web5 60 | sort -u | wc -l)"
  expect_eq "$hits" 3
}

test_svc03_service_without_endpoints_is_refused_at_once() {
  kubectl create service clusterip empty5 --tcp=80:8080
  ip="$(kubectl get svc empty5 -o jsonpath='{.spec.clusterIP}')"
  svc_client
  # An immediate refusal, not a 3 s timeout (Debian's static busybox wget crashes with -T, so tests use `timeout 5 wget`).
  out="$(kubectl exec svc-client -- sh -c "nc -w 3 $ip 80 </dev/null 2>&1; echo rc=\$?" || true)"
  expect_contains "$out" "refused"
  kubectl delete service empty5
}

test_svc04_nodeport_answers_from_the_host() {
  kubectl expose deployment web5 --name web5-np --type NodePort --port 80 --target-port 8080
  np="$(kubectl get svc web5-np -o jsonpath='{.spec.ports[0].nodePort}')"
  expect_match "$np" '^3[0-9]{4}$'
  svc_wait_endpoints web5-np 3
  out="$(curl -sf --max-time 3 "http://$(svc_gateway_ip):$np/")"
  expect_contains "$out" web5-
  kubectl delete service web5-np
}

test_svc05_pod_reaches_itself_through_its_service() {
  # Hairpin: one backend calls its own service until it has answered itself.
  pod="$(kubectl get pods -l app=web5 -o jsonpath='{.items[0].metadata.name}')"
  hits="$(kubectl exec "$pod" -- sh -c 'for i in $(seq 1 30); do timeout 5 wget -q -O- http://web5 || echo FAILED; done')"
  expect_not_contains "$hits" FAILED
  expect_contains "$hits" "$pod"
}

test_svc06_session_affinity_client_ip() {
  kubectl expose deployment web5 --name web5-sticky --port 80 --target-port 8080 --session-affinity ClientIP
  svc_wait_endpoints web5-sticky 3
  hits="$(svc_hits http://web5-sticky 20 | sort -u | wc -l)"
  expect_eq "$hits" 1
  kubectl delete service web5-sticky
}

test_svc07_cluster_dns_records() {
  dns="$(svc_dns_ip)"
  ip="$(kubectl get svc web5 -o jsonpath='{.spec.clusterIP}')"
  expect_eq "$(dig +short @"$dns" web5.default.svc.cluster.local A)" "$ip"
  expect_eq "$(dig +short +tcp @"$dns" web5.default.svc.cluster.local A)" "$ip"
  # SRV for the named port; PTR back to the name.
  expect_contains "$(dig +short @"$dns" _http._tcp.web5.default.svc.cluster.local SRV)" "80 web5.default.svc.cluster.local."
  rev="$(echo "$ip" | awk -F. '{print $4"."$3"."$2"."$1".in-addr.arpa"}')"
  expect_eq "$(dig +short @"$dns" "$rev" PTR)" "web5.default.svc.cluster.local."
  # NXDOMAIN for a name that does not exist, NODATA (NOERROR, no answer) for a missing type.
  expect_contains "$(dig @"$dns" nosuch.default.svc.cluster.local A)" "status: NXDOMAIN"
  out="$(dig @"$dns" web5.default.svc.cluster.local TXT)"
  expect_contains "$out" "status: NOERROR"
  expect_contains "$out" "ANSWER: 0"
  # The API server's own service.
  expect_eq "$(dig +short @"$dns" kubernetes.default.svc.cluster.local A)" "${NODE_SVC_CIDR%.0/24}.1"
  # Headless: the ready pods' addresses; ExternalName: a CNAME.
  kubectl create service clusterip web5-headless --clusterip=None --tcp=8080:8080
  kubectl patch service web5-headless -p '{"spec":{"selector":{"app":"web5"}}}'
  svc_wait_endpoints web5-headless 3
  want="$(kubectl get pods -l app=web5 -o jsonpath='{range .items[*]}{.status.podIP}{"\n"}{end}' | sort)"
  expect_eq "$(dig +short @"$dns" web5-headless.default.svc.cluster.local A | sort)" "$want"
  kubectl create service externalname ext5 --external-name backend.example.test
  expect_contains "$(dig @"$dns" ext5.default.svc.cluster.local CNAME)" "backend.example.test."
  kubectl delete service web5-headless ext5
}

test_svc08_dns_from_inside_a_pod() {
  svc_client
  out="$(kubectl exec svc-client -- cat /etc/resolv.conf)"
  expect_contains "$out" "nameserver $(svc_dns_ip)"
  expect_contains "$out" "search default.svc.cluster.local svc.cluster.local cluster.local"
  expect_contains "$out" "ndots:5"
  ip="$(kubectl get svc web5 -o jsonpath='{.spec.clusterIP}')"
  out="$(kubectl exec svc-client -- nslookup web5.default.svc.cluster.local)"
  expect_contains "$out" "$ip"
}

test_svc09_statefulset_pods_resolve_through_headless_service() {
  kubectl apply -f - <<YAML
apiVersion: v1
kind: Service
metadata: {name: db5}
spec:
  clusterIP: None
  selector: {app: db5}
  ports: [{name: tcp, port: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db5}
spec:
  serviceName: db5
  replicas: 2
  selector: {matchLabels: {app: db5}}
  template:
    metadata: {labels: {app: db5}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: $NODE_IMAGE
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "exec httpd -f -p 8080 -h /var/www"]
YAML
  kubectl rollout status statefulset/db5 --timeout=90s
  svc_wait_endpoints db5 2
  ip0="$(kubectl get pod db5-0 -o jsonpath='{.status.podIP}')"
  expect_eq "$(dig +short @"$(svc_dns_ip)" db5-0.db5.default.svc.cluster.local A)" "$ip0"
  svc_client
  out="$(kubectl exec svc-client -- timeout 5 wget -q -O- http://db5-1.db5:8080/)"
  expect_contains "$out" "hello from berth"
  kubectl delete statefulset db5 --wait=false
  kubectl delete service db5
}

# svc_load_start URL: a client loop in the client pod, one request per ~50 ms, logging OK/FAIL.
svc_load_start() {
  kubectl exec svc-client -- sh -c 'rm -f /tmp/load.log /tmp/load.stop'
  kubectl exec svc-client -- sh -c "while [ ! -f /tmp/load.stop ]; do if timeout 5 wget -q -O /dev/null $1; then echo OK; else echo FAIL; fi >> /tmp/load.log; sleep 0.05; done" &
  SVC_LOAD_PID=$!
}
svc_load_stop() {  # prints "ok fail"
  kubectl exec svc-client -- touch /tmp/load.stop
  wait "$SVC_LOAD_PID" || true
  kubectl exec svc-client -- sh -c 'echo "$(grep -c OK /tmp/load.log) $(grep -c FAIL /tmp/load.log)"'
}

test_svc11_rolling_update_and_scale_down_without_failed_requests() {
  svc_client
  wait_ready_count app=web5 3 60
  svc_wait_endpoints web5 3
  svc_load_start http://web5
  sleep 2
  REV=2 svc_backend_yaml web5 3 | kubectl apply -f -
  kubectl rollout status deployment/web5 --timeout=120s
  sleep 2
  read -r ok fail <<<"$(svc_load_stop)"
  echo "rolling update: $ok ok, $fail failed"
  [ "$ok" -gt 20 ]
  expect_eq "$fail" 0
  svc_load_start http://web5
  sleep 1
  kubectl scale deployment web5 --replicas=1
  wait_ready_count app=web5 1 60
  sleep 2
  read -r ok fail <<<"$(svc_load_stop)"
  echo "scale-down: $ok ok, $fail failed"
  [ "$ok" -gt 20 ]
  expect_eq "$fail" 0
}

test_svc10_kubernetes_service_points_at_the_api_server() {
  out="$(kubectl get service kubernetes -o jsonpath='{.spec.clusterIP} {.spec.ports[0].port}')"
  expect_eq "$out" "${NODE_SVC_CIDR%.0/24}.1 443"
  # The endpoint is the pod bridge's gateway, where `berth up` serves the API too.
  out="$(kubectl get endpoints kubernetes -o jsonpath='{.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}')"
  expect_eq "$out" "${NODE_POD_CIDR%.0/24}.1:$E2E_PORT"
  kubectl get service -n kube-system kube-dns -o jsonpath='{.spec.clusterIP}' | grep -qx "$(svc_dns_ip)"
  # From the node by the service IP, verified against the cluster CA (the certificate names it).
  out="$(curl -sS --max-time 5 --cacert "$E2E_DATA/pki/ca.crt" "https://${NODE_SVC_CIDR%.0/24}.1/version")"
  expect_contains "$out" '"gitVersion"'
  # From a pod, as an in-cluster client: KUBERNETES_SERVICE_HOST/PORT, its service-account
  # token and CA, the name kubernetes.default.svc verified. (The host's curl through a
  # read-only hostPath: busybox wget's TLS cannot talk to the server.)
  pod_yaml api-client 'exec sleep 100000' '    volumeMounts: [{name: host, mountPath: /host, readOnly: true}]' \
    '  volumes: [{name: host, hostPath: {path: /}}]' | kubectl apply -f - >/dev/null
  wait_phase api-client Running 60
  local script
  read -r -d '' script <<'SH' || true
cd /var/run/secrets/kubernetes.io/serviceaccount
export CA="$(cat ca.crt)" TOKEN="$(cat token)" H="$KUBERNETES_SERVICE_HOST" P="$KUBERNETES_SERVICE_PORT"
exec chroot /host bash -c 'curl -sS --max-time 5 --cacert <(printf "%s\n" "$CA") -H "Authorization: Bearer $TOKEN" --resolve "kubernetes.default.svc:$P:$H" "https://kubernetes.default.svc:$P/version"'
SH
  out="$(kubectl exec api-client -- sh -c "$script" 2>&1)"
  kubectl delete pod api-client --wait=false >/dev/null
  expect_contains "$out" '"gitVersion"'
}

test_svc12_services_cleanup() {
  kubectl delete deployment web5 --wait=false
  kubectl delete service web5
  kubectl delete pod svc-client --wait=false
}

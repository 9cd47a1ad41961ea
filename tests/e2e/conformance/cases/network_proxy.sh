# Conformance: test/e2e/network/proxy.go (sig-network Proxy version v1): the API server's
# pods/proxy and services/proxy subresources. proxy-echo stands in for agnhost netexec's
# method echo (it answers every method with {"method","path","body"}), busybox httpd on two
# ports for agnhost porter.

# cnet_proxy_backend: pod agnhost (proxy-echo on 80) and service test-service (80 -> 80), Ready.
cnet_proxy_backend() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: agnhost, labels: {test: response}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["proxy-echo", "80"]
    ports: [{containerPort: 80}]
    readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: test-service}
spec:
  selector: {test: response}
  ports: [{port: 80, targetPort: 80, protocol: TCP}]
YAML
  wait_running agnhost
  eventually 30 sh -c "kubectl get endpoints test-service -o jsonpath='{.subsets[0].addresses[0].ip}' | grep -q ."
}

# cnet_proxy_code METHOD PATH: the HTTP status of an API request (with the admin token).
cnet_proxy_code() {
  if [ "$1" = HEAD ]; then
    curl -sk -I -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $E2E_TOKEN" "$E2E_URL$2"
  else
    curl -sk -X "$1" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $E2E_TOKEN" "$E2E_URL$2"
  fi
}

# cnet_proxy_methods PATH-PREFIX PATH-SUFFIX-STYLE: every method through pods and services proxy.
# style "query": .../proxy?method=M; style "path": .../proxy/some/path/with/M
cnet_proxy_methods() {
  local style="$1" base m url out
  for base in "/api/v1/namespaces/$NS/pods/agnhost/proxy" "/api/v1/namespaces/$NS/services/test-service/proxy"; do
    for m in DELETE OPTIONS PATCH POST PUT GET; do
      if [ "$style" = query ]; then url="$base?method=$m"; want_path="/?method=$m"; else url="$base/some/path/with/$m"; want_path="/some/path/with/$m"; fi
      out="$(api "$m" "$url" -d "body-$m" -w '|%{http_code}')"
      expect_contains "$out" "\"method\":\"$m\""
      expect_contains "$out" "\"path\":\"$want_path\""
      expect_contains "$out" "|200"
      [ "$m" = GET ] || expect_contains "$out" "\"body\":\"body-$m\""
    done
    expect_eq "$(cnet_proxy_code HEAD "${url%GET}HEAD")" 200
  done
}

# [sig-network] Proxy version v1 A set of valid responses are returned for both pod and service Proxy
# DELETE/OPTIONS/PATCH/POST/PUT/GET/HEAD through pods/proxy and services/proxy reach the backend.
t_sig_network_proxy_version_v1_a_set_of_valid_responses_are_returned_for_both_pod_and_service_proxy() {
  cnet_proxy_backend
  cnet_proxy_methods query
}

# [sig-network] Proxy version v1 A set of valid responses are returned for both pod and service ProxyWithPath
# The same methods with a path after /proxy/ reach the backend with that path.
t_sig_network_proxy_version_v1_a_set_of_valid_responses_are_returned_for_both_pod_and_service_proxywithpath() {
  cnet_proxy_backend
  cnet_proxy_methods path
}

# [sig-network] Proxy version v1 should proxy through a service and a pod
# services/NAME:PORT/proxy (port by name or number, optional scheme) and pods/NAME:PORT/proxy
# reach the right backend port; unknown ports and objects are refused.
t_sig_network_proxy_version_v1_should_proxy_through_a_service_and_a_pod() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: proxy-service-pod, labels: {app: proxy-service}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "mkdir -p /tmp/a /tmp/b && echo foo >/tmp/a/index.html && echo bar >/tmp/b/index.html && httpd -p 160 -h /tmp/a && httpd -p 162 -h /tmp/b && exec netexec 80"]
    ports: [{containerPort: 80, name: http}, {containerPort: 160, name: dest1}, {containerPort: 162, name: dest2}]
    readinessProbe: {tcpSocket: {port: 162}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: proxy-service}
spec:
  selector: {app: proxy-service}
  ports:
  - {name: portname1, port: 80, targetPort: dest1}
  - {name: portname2, port: 81, targetPort: dest2}
YAML
  wait_running proxy-service-pod
  eventually 30 sh -c "kubectl get endpoints proxy-service -o jsonpath='{.subsets[0].addresses[0].ip}' | grep -q ."
  svc="/api/v1/namespaces/$NS/services"
  pod="/api/v1/namespaces/$NS/pods"
  for i in 1 2 3; do
    expect_eq "$(kubectl get --raw "$svc/proxy-service:portname1/proxy/")" foo
    expect_eq "$(kubectl get --raw "$svc/proxy-service:portname2/proxy/")" bar
    expect_eq "$(kubectl get --raw "$svc/http:proxy-service:portname1/proxy/")" foo
    expect_eq "$(kubectl get --raw "$svc/http:proxy-service:portname2/proxy/")" bar
    expect_eq "$(kubectl get --raw "$svc/proxy-service:80/proxy/")" foo
    expect_eq "$(kubectl get --raw "$svc/proxy-service:81/proxy/")" bar
    expect_eq "$(kubectl get --raw "$pod/proxy-service-pod:160/proxy/")" foo
    expect_eq "$(kubectl get --raw "$pod/http:proxy-service-pod:162/proxy/")" bar
    expect_eq "$(kubectl get --raw "$pod/proxy-service-pod/proxy/hostname")" proxy-service-pod
    expect_eq "$(kubectl get --raw "$pod/proxy-service-pod:80/proxy/cgi-bin/echo?msg=hello")" hello
  done
  expect_eq "$(cnet_proxy_code GET "$svc/proxy-service:999/proxy/")" 503
  expect_eq "$(cnet_proxy_code GET "$svc/nosuch/proxy/")" 404
  expect_eq "$(cnet_proxy_code GET "$pod/nosuch:80/proxy/")" 404
}

# Conformance: test/e2e/kubectl/kubectl.go ([sig-cli] Kubectl client), driven by kubectl 1.32.

# kubectl_rc NAME REPLICAS: a ReplicationController of netexec pods labelled app=NAME.
kubectl_rc() {
  cat <<YAML
apiVersion: v1
kind: ReplicationController
metadata: {name: $1, labels: {app: $1}}
spec:
  replicas: $2
  selector: {app: $1}
  template:
    metadata: {labels: {app: $1}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: $IMG
        command: ["netexec", "8080"]
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /hostname, port: 8080}, periodSeconds: 1}
YAML
}

# Guestbook: stands in for agnhost's guestbook (frontend + primary + 2 replicas + 3 services)
# with netexec pods: the frontend service's pods write an entry to the primary service and the
# test reads it back through the replica service (the replicas read from the primary).
t_sig_cli_kubectl_client_guestbook_application_should_create_and_stop_a_working_application() {
  for app in frontend primary replica; do
    n=1; [ "$app" = replica ] && n=2
    cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: apps/v1
kind: Deployment
metadata: {name: gb-$app}
spec:
  replicas: $n
  selector: {matchLabels: {app: gb-$app}}
  template:
    metadata: {labels: {app: gb-$app}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: $IMG
        command: ["netexec", "8080"]
        readinessProbe: {httpGet: {path: /hostname, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: gb-$app}
spec: {selector: {app: gb-$app}, ports: [{port: 80, targetPort: 8080}]}
YAML
  done
  for app in frontend primary replica; do kubectl rollout status deploy/gb-$app --timeout=90s >/dev/null; done
  fe="$(kubectl get pods -l app=gb-frontend -o jsonpath='{.items[0].metadata.name}')"
  # frontend -> primary: store the entry (by service name, through cluster DNS and the proxy).
  eventually 30 in_pod "$fe" wget -q -O- "http://gb-primary/cgi-bin/shell?cmd=echo%20TestEntry%3E%3E/tmp/guestbook"
  # frontend -> replica -> primary: read it back.
  read_cmd="wget%20-q%20-O-%20http://gb-primary/cgi-bin/shell?cmd=cat%2520/tmp/guestbook"
  out="$(in_pod "$fe" wget -q -O- "http://gb-replica/cgi-bin/shell?cmd=$read_cmd")"
  expect_contains "$out" "TestEntry"
  kubectl delete deploy,svc --all --wait=true --timeout=60s >/dev/null
  eventually 60 sh -c '[ -z "$(kubectl get pods --no-headers 2>/dev/null)" ]'
}

t_sig_cli_kubectl_client_kubectl_api_versions_should_check_if_v1_is_in_available_api_versions() {
  out="$(kubectl api-versions)"
  expect_match "$out" '^v1$'
  expect_match "$out" '^apps/v1$'
}

t_sig_cli_kubectl_client_kubectl_cluster_info_should_check_if_kubernetes_control_plane_services_is_included_in_cluster_info() {
  out="$(kubectl cluster-info)"
  expect_match "$out" 'Kubernetes control plane.* is running at https://127\.0\.0\.1:[0-9]+'
}

t_sig_cli_kubectl_client_kubectl_describe_should_check_if_kubectl_describe_prints_relevant_information_for_rc_and_pods() {
  kubectl_rc primary 1 | kubectl apply -f - >/dev/null
  kubectl expose rc primary --port=6379 --target-port=8080 >/dev/null
  eventually 60 sh -c '[ "$(kubectl get rc primary -o jsonpath={.status.readyReplicas})" = 1 ]'
  pod="$(kubectl get pods -l app=primary -o jsonpath='{.items[0].metadata.name}')"
  out="$(kubectl describe pod "$pod")"
  expect_match "$out" "^Name: +$pod"
  expect_match "$out" "^Namespace: +$NS"
  expect_match "$out" "^Labels: +app=primary"
  expect_match "$out" "^Status: +Running"
  expect_match "$out" "^Controlled By: +ReplicationController/primary"
  expect_match "$out" "State: +Running"
  out="$(kubectl describe rc primary)"
  expect_match "$out" "^Name: +primary"
  expect_match "$out" "^Selector: +app=primary"
  expect_match "$out" "^Replicas: +1 current / 1 desired"
  expect_match "$out" "^Pods Status: +1 Running / 0 Waiting / 0 Succeeded / 0 Failed"
  out="$(kubectl describe service primary)"
  expect_match "$out" "^Type: +ClusterIP"
  expect_match "$out" "^Port: +<unset> +6379/TCP"
  expect_match "$out" "^TargetPort: +8080/TCP"
  expect_match "$out" "^Endpoints: +[0-9.]+:8080"
  out="$(kubectl describe node "$NODE")"
  expect_match "$out" "^Name: +$NODE"
  expect_contains "$out" "Conditions:"
  expect_contains "$out" "Allocatable:"
  out="$(kubectl describe namespace "$NS")"
  expect_match "$out" "^Name: +$NS"
  expect_match "$out" "^Status: +Active"
}

t_sig_cli_kubectl_client_kubectl_diff_should_check_if_kubectl_diff_finds_a_difference_for_deployments() {
  kubectl create deployment httpd-deployment --image=berth.local/httpd:none --replicas=0 >/dev/null
  kubectl get deployment httpd-deployment -o yaml | sed 's|berth.local/httpd:none|berth.local/busybox:other|' >d.yaml
  rc=0; out="$(kubectl diff -f d.yaml)" || rc=$?
  expect_eq "$rc" 1
  expect_match "$out" '^-.*image: berth\.local/httpd:none'
  expect_match "$out" '^\+.*image: berth\.local/busybox:other'
  # Nothing was changed by the diff (it is a server-side dry run).
  expect_eq "$(kubectl get deploy httpd-deployment -o jsonpath='{.spec.template.spec.containers[0].image}')" berth.local/httpd:none
}

t_sig_cli_kubectl_client_kubectl_expose_should_create_services_for_rc() {
  kubectl_rc primary 1 | kubectl apply -f - >/dev/null
  eventually 60 sh -c '[ "$(kubectl get rc primary -o jsonpath={.status.readyReplicas})" = 1 ]'
  kubectl expose rc primary --name=rm2 --port=1234 --target-port=8080 >/dev/null
  expect_eq "$(kubectl get svc rm2 -o jsonpath='{.spec.ports[0].port}/{.spec.ports[0].targetPort}')" "1234/8080"
  ip="$(kubectl get svc rm2 -o jsonpath='{.spec.clusterIP}')"
  pod="$(kubectl get pods -l app=primary -o jsonpath='{.items[0].metadata.name}')"
  eventually 30 sh -c "[ \"\$(kubectl get endpoints rm2 -o jsonpath='{.subsets[0].ports[0].port}')\" = 8080 ]"
  eventually 30 sh -c "curl -s --max-time 2 http://$ip:1234/hostname | grep -qx $pod"
  kubectl expose service rm2 --name=rm3 --port=2345 --target-port=8080 >/dev/null
  expect_eq "$(kubectl get svc rm3 -o jsonpath='{.spec.ports[0].port}/{.spec.ports[0].targetPort}')" "2345/8080"
  ip3="$(kubectl get svc rm3 -o jsonpath='{.spec.clusterIP}')"
  eventually 30 sh -c "curl -s --max-time 2 http://$ip3:2345/hostname | grep -qx $pod"
}

t_sig_cli_kubectl_client_kubectl_label_should_update_the_label_on_a_resource() {
  conf_pod pause 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_running pause
  kubectl label pod pause testing-label=testing-label-value >/dev/null
  out="$(kubectl get pod pause -L testing-label)"
  expect_match "$out" '^pause .* testing-label-value$'
  kubectl label pod pause testing-label- >/dev/null
  out="$(kubectl get pod pause -L testing-label)"
  expect_not_contains "$out" "testing-label-value"
  expect_eq "$(kubectl get pods -l testing-label --no-headers 2>/dev/null | wc -l)" 0
}

t_sig_cli_kubectl_client_kubectl_patch_should_add_annotations_for_pods_in_rc() {
  kubectl_rc primary 1 | kubectl apply -f - >/dev/null
  eventually 60 sh -c '[ "$(kubectl get rc primary -o jsonpath={.status.readyReplicas})" = 1 ]'
  for pod in $(kubectl get pods -l app=primary -o jsonpath='{.items[*].metadata.name}'); do
    kubectl patch pod "$pod" -p '{"metadata":{"annotations":{"x":"y"}}}' >/dev/null
  done
  for pod in $(kubectl get pods -l app=primary -o jsonpath='{.items[*].metadata.name}'); do
    expect_eq "$(kubectl get pod "$pod" -o jsonpath='{.metadata.annotations.x}')" y
  done
}

t_sig_cli_kubectl_client_kubectl_replace_should_update_a_single_container_pod_s_image() {
  kubectl run e2e-test-httpd-pod --image="$IMG" --labels=run=e2e-test-httpd-pod -- sleep 3600 >/dev/null
  wait_running e2e-test-httpd-pod
  kubectl get pod e2e-test-httpd-pod -o json | sed "s|\"image\": \"$IMG\"|\"image\": \"berth.local/busybox:replaced\"|" >p.json
  kubectl replace -f p.json >/dev/null
  expect_eq "$(kubectl get pod e2e-test-httpd-pod -o jsonpath='{.spec.containers[0].image}')" berth.local/busybox:replaced
}

t_sig_cli_kubectl_client_kubectl_run_pod_should_create_a_pod_from_an_image_when_restart_is_never() {
  kubectl run e2e-test-httpd-pod --restart=Never --image="$IMG" -- sleep 3600 >/dev/null
  wait_running e2e-test-httpd-pod
  expect_eq "$(kubectl get pod e2e-test-httpd-pod -o jsonpath='{.spec.restartPolicy} {.spec.containers[0].image}')" "Never $IMG"
}

t_sig_cli_kubectl_client_kubectl_server_side_dry_run_should_check_if_kubectl_can_dry_run_update_pods() {
  kubectl run e2e-test-httpd-pod --image="$IMG" -- sleep 3600 >/dev/null
  wait_running e2e-test-httpd-pod
  out="$(kubectl patch pod e2e-test-httpd-pod -p '{"spec":{"containers":[{"name":"e2e-test-httpd-pod","image":"berth.local/busybox:dry"}]}}' --dry-run=server -o jsonpath='{.spec.containers[0].image}')"
  expect_eq "$out" berth.local/busybox:dry
  expect_eq "$(kubectl get pod e2e-test-httpd-pod -o jsonpath='{.spec.containers[0].image}')" "$IMG"
}

t_sig_cli_kubectl_client_kubectl_version_should_check_is_all_data_is_printed() {
  out="$(kubectl version -o json)"
  for k in major minor gitVersion gitCommit gitTreeState buildDate goVersion compiler platform; do
    v="$(python3 -c "import json,sys; print(json.load(sys.stdin)['serverVersion']['$k'])" <<<"$out")"
    [ -n "$v" ] || { echo "serverVersion.$k empty"; return 1; }
  done
  out="$(kubectl version)"
  expect_match "$out" '^Client Version: v1\.32\.'
  expect_match "$out" '^Server Version: v1\.32\.'
}

t_sig_cli_kubectl_client_proxy_server_should_support_unix_socket_path() {
  sock="$PWD/kubectl-proxy.sock"
  kubectl proxy --unix-socket="$sock" >proxy.log 2>&1 &
  local p=$!
  eventually 20 test -S "$sock"
  out="$(curl -s --max-time 5 --unix-socket "$sock" http://localhost/api/)"
  kill "$p"
  expect_contains "$out" '"versions"'
  expect_contains "$out" '"v1"'
}

t_sig_cli_kubectl_client_proxy_server_should_support_proxy_with_port_0() {
  kubectl proxy --port=0 >proxy.log 2>&1 &
  local p=$!
  eventually 20 grep -q 'Starting to serve on' proxy.log
  port="$(sed -n 's/.*Starting to serve on 127.0.0.1:\([0-9]*\).*/\1/p' proxy.log)"
  out="$(curl -s --max-time 5 "http://127.0.0.1:$port/api/")"
  kill "$p"
  expect_contains "$out" '"v1"'
}

t_sig_cli_kubectl_client_update_demo_should_create_and_stop_a_replication_controller() {
  kubectl_rc update-demo 2 | kubectl create -f - >/dev/null
  eventually 60 sh -c '[ "$(kubectl get rc update-demo -o jsonpath={.status.readyReplicas})" = 2 ]'
  expect_eq "$(kubectl get pods -l app=update-demo --field-selector=status.phase=Running --no-headers | wc -l)" 2
  kubectl delete rc update-demo --grace-period=0 --force --wait=true >/dev/null 2>&1
  eventually 60 sh -c '[ -z "$(kubectl get rc,pods -l app=update-demo --no-headers 2>/dev/null)" ]'
}

t_sig_cli_kubectl_client_update_demo_should_scale_a_replication_controller() {
  kubectl_rc update-demo 2 | kubectl create -f - >/dev/null
  eventually 60 sh -c '[ "$(kubectl get rc update-demo -o jsonpath={.status.readyReplicas})" = 2 ]'
  kubectl scale rc update-demo --replicas=1 --timeout=5m >/dev/null
  eventually 60 sh -c '[ "$(kubectl get pods -l app=update-demo --no-headers 2>/dev/null | wc -l)" = 1 ]'
  kubectl scale rc update-demo --replicas=2 --timeout=5m >/dev/null
  eventually 60 sh -c '[ "$(kubectl get rc update-demo -o jsonpath={.status.readyReplicas})" = 2 ]'
  expect_eq "$(kubectl get pods -l app=update-demo --no-headers | wc -l)" 2
}

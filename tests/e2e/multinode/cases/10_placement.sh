# Placement across three fake nodes: spreading, anti-affinity, taints.

# mn_deploy NAME REPLICAS [extra pod spec yaml]
mn_deploy() {
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1}
spec:
  replicas: $2
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: c
        image: berth.local/fake:1
        resources: {requests: {cpu: 100m, memory: 64Mi}}
${3:-}
YAML
}

# Nodes of the pods of app=$1, sorted, one per line.
mn_nodes_of() {
  kubectl get pods -l "app=$1" --field-selector status.phase=Running \
    -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort
}

mn_wait_running() {  # mn_wait_running APP N
  for _ in $(seq 1 300); do
    [ "$(mn_nodes_of "$1" | grep -c . || true)" = "$2" ] && return 0
    sleep 0.1
  done
  echo "app $1: wanted $2 running pods"; kubectl get pods -l "app=$1" -o wide; return 1
}

test_replicas_spread_evenly_over_nodes() {
  mn_deploy spread 6 | kubectl apply -f -
  mn_wait_running spread 6
  out="$(mn_nodes_of spread | uniq -c | awk '{print $1}' | tr '\n' ' ')"
  expect_eq "$out" "2 2 2 "
  kubectl delete deployment spread --wait=true --timeout=60s
}

test_required_anti_affinity_puts_one_per_node() {
  mn_deploy solo 4 "      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: solo}}
            topologyKey: kubernetes.io/hostname" | kubectl apply -f -
  mn_wait_running solo 3
  expect_eq "$(mn_nodes_of solo | uniq | wc -l)" "3"
  for _ in $(seq 1 100); do
    pending="$(kubectl get pods -l app=solo --field-selector status.phase=Pending -o name)"
    [ -n "$pending" ] && break; sleep 0.1
  done
  msg=""
  for _ in $(seq 1 100); do
    msg="$(kubectl get "$pending" -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}')"
    [ -n "$msg" ] && break; sleep 0.1
  done
  expect_eq "$msg" "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."
  kubectl delete deployment solo --wait=true --timeout=60s
}

test_taints_repel_pods_without_tolerations() {
  kubectl taint node mn1 dedicated=db:NoSchedule
  mn_deploy plain 4 | kubectl apply -f -
  mn_wait_running plain 4
  if mn_nodes_of plain | grep -q '^mn1$'; then echo "pod on tainted node"; mn_nodes_of plain; return 1; fi
  mn_deploy tolerant 1 "      tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]
      nodeSelector: {kubernetes.io/hostname: mn1}" | kubectl apply -f -
  mn_wait_running tolerant 1
  expect_eq "$(mn_nodes_of tolerant)" "mn1"
  kubectl taint node mn1 dedicated-
  kubectl delete deployment plain tolerant --wait=true --timeout=60s
}

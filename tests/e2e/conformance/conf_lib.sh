# Helpers for the conformance suite (sourced after ../lib.sh and ../node/node_lib.sh).
# Inside a test: the current kubeconfig namespace is the test's own ($NS); $NODE is the node's
# name; $IMG is the test image (busybox-static plus the stand-ins in image/usr/local/bin).

NODE="node-$NODE_ID"
IMG="$NODE_IMAGE"

# conf_pod NAME 'SHELL COMMAND' [labels-yaml-inline]: a pod running the command in the test image,
# e.g. conf_pod web 'netexec 8080' 'app: web' | kubectl apply -f -
conf_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels: {${3:-}}
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: ${RESTART:-Always}
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "$2"]
YAML
}

# conf_netexec_pod NAME [labels-inline]: the HTTP echo/hostname server on 8080, ready when it answers.
conf_netexec_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels: {${2:-}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["netexec", "8080"]
    ports: [{containerPort: 8080, name: http}]
    readinessProbe: {httpGet: {path: /hostname, port: 8080}, periodSeconds: 1}
YAML
}

# wait_running POD [seconds]: phase Running and Ready.
wait_running() {
  wait_phase "$1" Running "${2:-60}" &&
    wait_jsonpath "$1" '{.status.conditions[?(@.type=="Ready")].status}' True "${2:-60}"
}

# pod_ip POD
pod_ip() { kubectl get pod "$1" -o jsonpath='{.status.podIP}'; }

# http_get URL: fetch from the host (pod and service CIDRs are routed to the cluster bridge).
http_get() { curl -s --max-time 5 "$@"; }

# in_pod POD CMD...: run a command in the pod's first container.
in_pod() { local p="$1"; shift; kubectl exec "$p" -- "$@"; }

# eventually SECONDS CMD...: retry CMD until it succeeds (prints its last output on timeout).
eventually() {
  local deadline=$(( SECONDS + $1 )) out; shift
  until out="$("$@" 2>&1)"; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "never succeeded: $*"; echo "$out"; return 1; fi
    sleep 0.2
  done
}

# conf_envfrom_check POD REF SOURCE: a pod running `env` with envFrom SOURCE (REF = configMapRef
# or secretRef) twice, plain and with prefix p-; SOURCE holds data-1..3 = value-1..3, and all six
# variables must be in the pod's environment.
conf_envfrom_check() {
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["env"]
    envFrom:
    - $2: {name: $3}
    - prefix: p-
      $2: {name: $3}
YAML
  wait_phase "$1" Succeeded 60
  local out k
  out="$(kubectl logs "$1")"
  for k in 1 2 3; do
    expect_contains "$out" "data-$k=value-$k"
    expect_contains "$out" "p-data-$k=value-$k"
  done
}

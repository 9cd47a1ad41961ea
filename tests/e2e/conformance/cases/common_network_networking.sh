# Conformance: test/e2e/common/network/networking.go (sig-network Networking Granular Checks).
# Stand-ins: netexec (HTTP /hostname) for agnhost netexec's HTTP port, udp-serve-hostname for
# its UDP port (busybox nc has no UDP: it and the udp-ask client run the host's python3 from a
# read-only hostPath mount of / at /host); the client pod's busybox wget and udp-ask stand in for
# the /dial handler; the host (which is the node) stands in for the hostNetwork pod of the
# node-pod checks.

# cnet_host_mount: the container/volume YAML fragments that mount the host's / at /host (read-only).
CNET_HOST_MOUNT='    volumeMounts: [{name: host, mountPath: /host, readOnly: true}]'
CNET_HOST_VOLUME='  volumes: [{name: host, hostPath: {path: /}}]'

# cnet_netservers N: N "netserver-i" pods (HTTP 8080 + UDP 8081), labelled app=netserver, Ready.
cnet_netservers() {
  local i
  for i in $(seq 1 "$1"); do
    cat <<YAML
---
apiVersion: v1
kind: Pod
metadata: {name: netserver-$i, labels: {app: netserver}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "udp-serve-hostname 8081 & exec netexec 8080"]
    ports: [{containerPort: 8080, name: http}, {containerPort: 8081, name: udp, protocol: UDP}]
    readinessProbe: {httpGet: {path: /hostname, port: 8080}, periodSeconds: 1}
$CNET_HOST_MOUNT
$CNET_HOST_VOLUME
YAML
  done | kubectl apply -f - >/dev/null
  for i in $(seq 1 "$1"); do wait_running "netserver-$i"; done
}

# cnet_udp_host_is HOST PORT WANT: udp-ask from the host answers WANT.
cnet_udp_host_is() { [ "$(cnet_udp_ask_host "$1" "$2")" = "$3" ]; }

# cnet_client NAME: a sleeping client pod with the host mount (for udp-ask), Ready.
cnet_client() {
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
$CNET_HOST_MOUNT
$CNET_HOST_VOLUME
YAML
  wait_running "$1"
}

# cnet_udp_ask_host HOST PORT: udp-ask from the host itself.
cnet_udp_ask_host() {
  python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"hostname", (sys.argv[1], int(sys.argv[2])))
print(s.recvfrom(65535)[0].decode().strip())' "$1" "$2" 2>/dev/null
}

# [sig-network] Networking Granular Checks: Pods should function for intra-pod communication: http
# A client pod reaches every netserver pod's HTTP port and gets each one's hostname.
t_sig_network_networking_granular_checks_pods_should_function_for_intra_pod_communication_http() {
  cnet_netservers 2
  cnet_client client
  for i in 1 2; do
    ip="$(pod_ip netserver-$i)"
    eventually 20 sh -c "kubectl exec client -- timeout 5 wget -q -O- http://$ip:8080/hostname | grep -qx netserver-$i"
  done
}

# [sig-network] Networking Granular Checks: Pods should function for intra-pod communication: udp
# A client pod reaches every netserver pod's UDP port and gets each one's hostname.
t_sig_network_networking_granular_checks_pods_should_function_for_intra_pod_communication_udp() {
  cnet_netservers 2
  cnet_client client
  for i in 1 2; do
    ip="$(pod_ip netserver-$i)"
    eventually 20 sh -c "kubectl exec client -- udp-ask $ip 8081 | grep -qx netserver-$i"
  done
}

# [sig-network] Networking Granular Checks: Pods should function for node-pod communication: http
# The node (the host) reaches every netserver pod's HTTP port directly by pod IP.
t_sig_network_networking_granular_checks_pods_should_function_for_node_pod_communication_http() {
  cnet_netservers 2
  for i in 1 2; do
    ip="$(pod_ip netserver-$i)"
    eventually 20 sh -c "curl -s --max-time 3 http://$ip:8080/hostname | grep -qx netserver-$i"
  done
}

# [sig-network] Networking Granular Checks: Pods should function for node-pod communication: udp
# The node (the host) reaches every netserver pod's UDP port directly by pod IP.
t_sig_network_networking_granular_checks_pods_should_function_for_node_pod_communication_udp() {
  cnet_netservers 2
  for i in 1 2; do
    ip="$(pod_ip netserver-$i)"
    eventually 20 cnet_udp_host_is "$ip" 8081 "netserver-$i"
  done
}

# Conformance: test/e2e/network/hostport.go (sig-network HostPort). netexec stands in for
# agnhost netexec (HTTP) and udp-serve-hostname for its UDP port; the host (the node) stands in
# for the hostNetwork client pod.

# [sig-network] HostPort validates that there is no conflict between pods with same hostPort but different hostIP and protocol
# Three pods share one hostPort (127.0.0.1/TCP, nodeIP/TCP, nodeIP/UDP): all run on the node and
# each answers on its own (hostIP, protocol).
t_sig_network_hostport_validates_that_there_is_no_conflict_between_pods_with_same_hostport_but_different_hostip_and_protocol() {
  node_ip="$(cnet_node_ip)"  # network_service.sh: not loopback
  # A port no other test uses: derived from the namespace's number.
  port=$(( 54000 + 10#${NS#cf} % 1000 ))
  for spec in "pod1 127.0.0.1 TCP" "pod2 $node_ip TCP" "pod3 $node_ip UDP"; do
    set -- $spec
    if [ "$3" = TCP ]; then cmd='exec netexec 8080'; cport=8080; else cmd='exec udp-serve-hostname 8081'; cport=8081; fi
    kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  nodeSelector: {kubernetes.io/hostname: $NODE}
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "$cmd"]
    ports: [{containerPort: $cport, hostPort: $port, hostIP: "$2", protocol: $3}]
    volumeMounts: [{name: host, mountPath: /host, readOnly: true}]
  volumes: [{name: host, hostPath: {path: /}}]
YAML
  done
  for p in pod1 pod2 pod3; do wait_running "$p"; done
  for p in pod1 pod2 pod3; do expect_eq "$(kubectl get pod "$p" -o jsonpath='{.spec.nodeName}')" "$NODE"; done
  eventually 20 sh -c "curl -s --max-time 3 http://127.0.0.1:$port/hostname | grep -qx pod1"
  eventually 20 sh -c "curl -s --max-time 3 http://$node_ip:$port/hostname | grep -qx pod2"
  eventually 20 cnet_hostport_udp_is "$node_ip" "$port" pod3
}

# cnet_hostport_udp_is HOST PORT WANT: one UDP datagram from the host is answered with WANT.
cnet_hostport_udp_is() {
  [ "$(python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"hostname", (sys.argv[1], int(sys.argv[2])))
print(s.recvfrom(65535)[0].decode().strip())' "$1" "$2" 2>/dev/null)" = "$3" ]
}

# Conformance: test/e2e/network/dns.go (sig-network DNS). Stand-ins for the dig/getent probes of
# the agnhost/jessie images: busybox nslookup for fully qualified names and SRV/PTR/CNAME, the
# pod's libc resolver (busybox ping prints "PING name (ip)") for names that need the search path,
# and an nslookup walk over the pod's resolv.conf search list for partial SRV names (dig +search;
# busybox nslookup does not search names with dots). Nothing is forwarded outside the cluster.

# cnet_dns_client NAME [spec-extra]: a sleeping pod to run lookups in.
cnet_dns_client() {
  conf_pod "$1" 'sleep 3600' | kubectl apply -f - >/dev/null
  wait_running "$1"
}

# cnet_lookup POD NAME [TYPE]: busybox nslookup inside POD (fails when the name does not resolve).
cnet_lookup() {
  kubectl exec "$1" -- nslookup ${3:+-type=$3} "$2" 2>&1
}

# cnet_expect_lookup SECONDS POD NAME TYPE NEEDLE: eventually the lookup's answer contains NEEDLE.
cnet_expect_lookup() {
  local deadline=$(( SECONDS + $1 )) out
  while :; do
    out="$(cnet_lookup "$2" "$3" "$4" || true)"
    if grep -qF -- "$5" <<<"$out" && ! grep -q "can't find\|NXDOMAIN\|SERVFAIL" <<<"$out"; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then echo "lookup of $3 ($4) never gave $5:"; echo "$out"; return 1; fi
    sleep 0.3
  done
}

# cnet_expect_resolve SECONDS POD NAME IP: eventually the pod's libc resolver (with its search
# path) maps NAME to IP.
cnet_expect_resolve() {
  local deadline=$(( SECONDS + $1 )) out
  while :; do
    out="$(kubectl exec "$2" -- ping -c 1 -W 1 "$3" 2>&1 | head -1 || true)"
    if grep -qF -- "($4)" <<<"$out"; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then echo "$3 never resolved to $4:"; echo "$out"; return 1; fi
    sleep 0.3
  done
}

# cnet_expect_srv_search SECONDS POD NAME NEEDLE: NAME tried with each search domain of the
# pod's resolv.conf in order (then as is); the first that exists must answer SRV with NEEDLE.
cnet_expect_srv_search() {
  local deadline=$(( SECONDS + $1 )) out cand
  local search; search="$(kubectl exec "$2" -- sh -c 'sed -n "s/^search //p" /etc/resolv.conf')"
  while :; do
    out=""
    for cand in $(for d in $search; do echo "$3.$d"; done) "$3"; do
      out="$(cnet_lookup "$2" "$cand" SRV || true)"
      grep -q "NXDOMAIN\|can't find" <<<"$out" || break
    done
    if grep -qF -- "$4" <<<"$out"; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then echo "SRV $3 (searched) never gave $4:"; echo "$out"; return 1; fi
    sleep 0.3
  done
}

# cnet_headless_with_pod SVC POD HOSTNAME: a headless service selecting one pod that sets
# hostname and subdomain=SVC (the pod is labelled dns-test=SVC).
cnet_headless_with_pod() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: $1}
spec:
  clusterIP: None
  selector: {dns-test: "$1"}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: $2, labels: {dns-test: "$1"}}
spec:
  hostname: $3
  subdomain: $1
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["netexec", "8080"]
    ports: [{containerPort: 8080, name: http}]
YAML
  wait_running "$2"
}

# [sig-network] DNS should provide /etc/hosts entries for the cluster
# A pod with hostname+subdomain finds its own FQDN and short name in its /etc/hosts.
t_sig_network_dns_should_provide_etc_hosts_entries_for_the_cluster() {
  cnet_headless_with_pod dns-test-service querier dns-querier-1
  ip="$(pod_ip querier)"
  hosts="$(kubectl exec querier -- cat /etc/hosts)"
  expect_match "$hosts" "^$ip[[:space:]]+dns-querier-1\.dns-test-service\.$NS\.svc\.cluster\.local[[:space:]]+dns-querier-1"
  expect_match "$hosts" "^127\.0\.0\.1[[:space:]]+localhost"
  expect_eq "$(kubectl exec querier -- hostname)" dns-querier-1
}

# [sig-network] DNS should provide DNS for the cluster
# Pods resolve kubernetes.default (short and fully qualified) to the API service's cluster IP.
t_sig_network_dns_should_provide_dns_for_the_cluster() {
  cnet_dns_client dns-client
  kip="$(kubectl get svc kubernetes -n default -o jsonpath='{.spec.clusterIP}')"
  cnet_expect_lookup 20 dns-client kubernetes.default.svc.cluster.local A "$kip"
  cnet_expect_resolve 10 dns-client kubernetes.default "$kip"
  cnet_expect_resolve 10 dns-client kubernetes.default.svc "$kip"
  cnet_expect_lookup 10 dns-client _https._tcp.kubernetes.default.svc.cluster.local SRV "kubernetes.default.svc.cluster.local"
}

# [sig-network] DNS should provide DNS for services
# A regular and a headless service resolve by A and SRV records (and the cluster IP by PTR).
t_sig_network_dns_should_provide_dns_for_services() {
  cnet_headless_with_pod dns-test-service backend backend
  kubectl create service clusterip test-service-2 --tcp=80:8080 >/dev/null
  kubectl patch service test-service-2 --type=json -p '[{"op":"replace","path":"/spec/ports/0/name","value":"http"}]' >/dev/null
  cnet_dns_client dns-client
  cip="$(kubectl get svc test-service-2 -o jsonpath='{.spec.clusterIP}')"
  pip="$(pod_ip backend)"
  cnet_expect_lookup 20 dns-client "dns-test-service.$NS.svc.cluster.local" A "$pip"
  cnet_expect_lookup 20 dns-client "_http._tcp.dns-test-service.$NS.svc.cluster.local" SRV "backend.dns-test-service.$NS.svc.cluster.local"
  cnet_expect_lookup 20 dns-client "test-service-2.$NS.svc.cluster.local" A "$cip"
  cnet_expect_lookup 20 dns-client "_http._tcp.test-service-2.$NS.svc.cluster.local" SRV "test-service-2.$NS.svc.cluster.local"
  cnet_expect_lookup 20 dns-client "$cip" "" "test-service-2.$NS.svc.cluster.local"
}

# [sig-network] DNS should resolve DNS of partial qualified names for services
# Partial names (svc, svc.ns, svc.ns.svc) resolve through the pod's search path, A and SRV.
t_sig_network_dns_should_resolve_dns_of_partial_qualified_names_for_services() {
  cnet_headless_with_pod dns-test-service backend backend
  kubectl create service clusterip test-service-2 --tcp=80:8080 >/dev/null
  kubectl patch service test-service-2 --type=json -p '[{"op":"replace","path":"/spec/ports/0/name","value":"http"}]' >/dev/null
  cnet_dns_client dns-client
  cip="$(kubectl get svc test-service-2 -o jsonpath='{.spec.clusterIP}')"
  pip="$(pod_ip backend)"
  for n in dns-test-service "dns-test-service.$NS" "dns-test-service.$NS.svc"; do
    cnet_expect_resolve 20 dns-client "$n" "$pip"
    cnet_expect_srv_search 20 dns-client "_http._tcp.$n" "backend.dns-test-service.$NS.svc.cluster.local"
  done
  for n in test-service-2 "test-service-2.$NS" "test-service-2.$NS.svc"; do
    cnet_expect_resolve 20 dns-client "$n" "$cip"
    cnet_expect_srv_search 20 dns-client "_http._tcp.$n" "test-service-2.$NS.svc.cluster.local"
  done
}

# [sig-network] DNS should provide DNS for pods for Hostname
# A pod with hostname+subdomain under a headless service resolves by its FQDN; hostname works.
t_sig_network_dns_should_provide_dns_for_pods_for_hostname() {
  cnet_headless_with_pod dns-test-service-2 querier dns-querier-2
  ip="$(pod_ip querier)"
  cnet_expect_lookup 20 querier "dns-querier-2.dns-test-service-2.$NS.svc.cluster.local" A "$ip"
  expect_eq "$(kubectl exec querier -- hostname)" dns-querier-2
  cnet_dns_client dns-client
  cnet_expect_lookup 20 dns-client "dns-querier-2.dns-test-service-2.$NS.svc.cluster.local" A "$ip"
}

# [sig-network] DNS should provide DNS for pods for Subdomain
# The subdomain (the headless service) and the pod's FQDN under it resolve to the pod's IP.
t_sig_network_dns_should_provide_dns_for_pods_for_subdomain() {
  cnet_headless_with_pod dns-test-service-2 querier dns-querier-2
  ip="$(pod_ip querier)"
  cnet_dns_client dns-client
  cnet_expect_lookup 20 dns-client "dns-test-service-2.$NS.svc.cluster.local" A "$ip"
  cnet_expect_lookup 20 dns-client "dns-querier-2.dns-test-service-2.$NS.svc.cluster.local" A "$ip"
  cnet_expect_lookup 20 querier "dns-test-service-2.$NS.svc.cluster.local" A "$ip"
}

# [sig-network] DNS should provide DNS for ExternalName services
# An ExternalName service is a CNAME that follows externalName changes; as ClusterIP it is an A.
t_sig_network_dns_should_provide_dns_for_externalname_services() {
  kubectl create service externalname dns-test-service-3 --external-name foo.example.com >/dev/null
  cnet_dns_client dns-client
  name="dns-test-service-3.$NS.svc.cluster.local"
  cnet_expect_lookup 20 dns-client "$name" CNAME "foo.example.com"
  kubectl patch service dns-test-service-3 -p '{"spec":{"externalName":"bar.example.com"}}' >/dev/null
  cnet_expect_lookup 20 dns-client "$name" CNAME "bar.example.com"
  kubectl patch service dns-test-service-3 -p '{"spec":{"type":"ClusterIP","externalName":null,"ports":[{"name":"http","port":80,"protocol":"TCP"}]}}' >/dev/null
  cip="$(kubectl get svc dns-test-service-3 -o jsonpath='{.spec.clusterIP}')"
  expect_match "$cip" '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$'
  cnet_expect_lookup 20 dns-client "$name" A "$cip"
}

# [sig-network] DNS should support configurable pod DNS nameservers
# dnsPolicy None with dnsConfig: the pod's resolv.conf has exactly the given servers/searches.
t_sig_network_dns_should_support_configurable_pod_dns_nameservers() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: dns-none}
spec:
  dnsPolicy: "None"
  dnsConfig:
    nameservers: ["1.1.1.1"]
    searches: ["resolv.conf.local"]
    options: [{name: ndots, value: "2"}]
  terminationGracePeriodSeconds: 1
  containers:
  - {name: c, image: $IMG, imagePullPolicy: IfNotPresent, command: ["sleep", "3600"]}
YAML
  wait_running dns-none
  rc="$(kubectl exec dns-none -- cat /etc/resolv.conf)"
  expect_eq "$(grep '^nameserver' <<<"$rc")" "nameserver 1.1.1.1"
  expect_eq "$(grep '^search' <<<"$rc")" "search resolv.conf.local"
  expect_contains "$rc" "ndots:2"
  expect_not_contains "$rc" "svc.cluster.local"
}

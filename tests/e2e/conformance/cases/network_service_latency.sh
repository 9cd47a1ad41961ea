# Conformance: test/e2e/network/service_latency.go (sig-network Service endpoints latency).

# [sig-network] Service endpoints latency should not be very high
# 100 services over one Ready pod: from each service's create to its Endpoints listing the pod,
# p50 < 20 s and p90 < 50 s (kube's bounds); the figures are printed.
t_sig_network_service_endpoints_latency_should_not_be_very_high() {
  conf_pod svc-latency-pod 'sleep 3600' 'name: svc-latency' | kubectl apply -f - >/dev/null
  wait_running svc-latency-pod
  python3 - "$E2E_URL" "$E2E_TOKEN" "$NS" <<'PY'
import json, ssl, sys, threading, time, urllib.request
url, token, ns = sys.argv[1:4]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
def req(method, path, body=None):
    r = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body else None,
                               headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    return urllib.request.urlopen(r, context=ctx, timeout=30)
created, seen = {}, {}
done = threading.Event()
rv = json.load(req("GET", f"/api/v1/namespaces/{ns}/endpoints"))["metadata"]["resourceVersion"]
def watch():
    w = req("GET", f"/api/v1/namespaces/{ns}/endpoints?watch=1&resourceVersion={rv}&timeoutSeconds=120")
    for line in w:
        ev = json.loads(line)
        o = ev["object"]; name = o["metadata"]["name"]
        if any(s.get("addresses") for s in o.get("subsets") or []) and name not in seen:
            seen[name] = time.monotonic()
        if len(seen) >= N and all(n in seen for n in created):
            done.set(); return
N = 100
t = threading.Thread(target=watch, daemon=True); t.start()
time.sleep(0.3)
def make(i):
    name = f"latency-svc-{i:03d}"
    body = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"name": "svc-latency"}, "ports": [{"port": 80, "targetPort": 8080}]}}
    t0 = time.monotonic(); req("POST", f"/api/v1/namespaces/{ns}/services", body); created[name] = t0
# 10 creators in parallel, like kube's test (which keeps several in flight).
def worker(k):
    for i in range(k, N, 10): make(i)
ws = [threading.Thread(target=worker, args=(k,)) for k in range(10)]
for w in ws: w.start()
for w in ws: w.join()
done.wait(90)
lat = sorted(seen[n] - created[n] for n in created if n in seen)
missing = [n for n in created if n not in seen]
if missing:
    print(f"{len(missing)} services never got endpoints, e.g. {missing[:3]}"); sys.exit(1)
pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p / 100))]
print(f"service endpoint latency over {len(lat)} services: p50 {pct(50):.3f}s p90 {pct(90):.3f}s p99 {pct(99):.3f}s max {lat[-1]:.3f}s")
if pct(50) > 20 or pct(90) > 50:
    print("latency above kube's bounds (p50 20 s, p90 50 s)"); sys.exit(1)
PY
}

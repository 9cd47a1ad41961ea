# Crash safety of the real server: a load of creates and updates, kill -9 at
# random moments, restart; every write that was acknowledged must be there.

crash_writer() {  # crash_writer id: creates then updates configmaps, logging each acked write
  local id="$1" i=0
  while :; do
    i=$((i+1))
    code="$(api POST /api/v1/namespaces/crash/configmaps -o /dev/null -w '%{http_code}' \
      -H 'Content-Type: application/json' \
      --data "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w$id-$i\"},\"data\":{\"v\":\"0\"}}" 2>/dev/null)" || true
    [ "$code" = 201 ] && echo "w$id-$i 0" >>"acked.$id"
    code="$(api PATCH "/api/v1/namespaces/crash/configmaps/w$id-$i" -o /dev/null -w '%{http_code}' \
      -H 'Content-Type: application/merge-patch+json' --data '{"data":{"v":"1"}}' 2>/dev/null)" || true
    [ "$code" = 200 ] && echo "w$id-$i 1" >>"acked.$id"
  done
}

test_kill_9_loses_no_acknowledged_write() {
  api POST /api/v1/namespaces -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"crash"}}' >/dev/null
  for round in 1 2 3 4 5; do
    pids=()
    for w in 1 2 3 4; do crash_writer "$w" & pids+=($!); done
    sleep "$((RANDOM % 2)).$((RANDOM % 9 + 1))"
    e2e_restart_server   # kill -9 mid-load, then start again
    kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true
  done
  cat acked.* | sort -u >acked.all
  [ -s acked.all ] || { echo "no writes were acknowledged"; return 1; }
  api GET /api/v1/namespaces/crash/configmaps >list.json
  python3 - acked.all list.json <<'P'
import json, sys
acked = {}
for line in open(sys.argv[1]):
    name, v = line.split()
    acked[name] = max(acked.get(name, 0), int(v))
items = {i["metadata"]["name"]: int(i["data"]["v"]) for i in json.load(open(sys.argv[2]))["items"]
         if "v" in i.get("data", {})}  # (not kube-root-ca.crt, which every namespace gets)
missing = [n for n in acked if n not in items]
stale = [n for n, v in acked.items() if n in items and items[n] < v]
print(f"acknowledged writes: {len(acked)} objects; missing {len(missing)}; stale {len(stale)}")
sys.exit(1 if missing or stale else 0)
P
}

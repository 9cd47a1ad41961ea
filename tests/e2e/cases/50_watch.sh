# kubectl get -w: label-selector watches, -o name and -o json event streams.

start_watch() {  # start_watch outfile kubectl-args... ; sets WPID
  local f="$1"; shift
  kubectl "$@" >"$f" 2>&1 &
  WPID=$!
  sleep 1.5
}

test_watch_label_selector_enter_and_leave() {
  kubectl create namespace wl50 >/dev/null
  start_watch sel.out get configmaps -n wl50 -l app=x -w --output-watch-events
  kubectl create configmap -n wl50 c1 >/dev/null
  kubectl create configmap -n wl50 other >/dev/null
  kubectl label configmap -n wl50 c1 app=x >/dev/null        # starts matching
  kubectl label configmap -n wl50 c1 app=y --overwrite >/dev/null   # stops matching
  kubectl label configmap -n wl50 c1 app=x --overwrite >/dev/null   # matches again
  kubectl delete configmap -n wl50 c1 >/dev/null
  wait_for 10 test "$(grep -c DELETED sel.out)" -ge 2
  kill $WPID
  out="$(cat sel.out)"
  expect_match "$out" "^EVENT +NAME +DATA +AGE"
  expect_not_contains "$out" "other"
  expect_eq "$(grep -oE '^(ADDED|MODIFIED|DELETED) +c1' sel.out | awk '{print $1}' | tr '\n' ' ')" \
    "ADDED DELETED ADDED DELETED "
}

test_watch_output_name() {
  kubectl create namespace wn50 >/dev/null
  kubectl create configmap -n wn50 pre >/dev/null
  start_watch name.out get configmaps -n wn50 -w -o name
  kubectl create configmap -n wn50 n1 >/dev/null
  kubectl delete configmap -n wn50 n1 >/dev/null
  wait_for 10 test "$(grep -c 'configmap/n1' name.out)" -ge 2
  kill $WPID
  out="$(grep -v kube-root-ca.crt name.out)"  # the root CA ConfigMap every namespace gets
  expect_eq "$(head -1 <<<"$out")" "configmap/pre"
  expect_eq "$(grep -c . <<<"$out")" "3"
  expect_not_contains "$out" "NAME"
}

test_watch_output_json_has_kind_and_type() {
  kubectl create namespace wj50 >/dev/null
  start_watch json.out get deployments -n wj50 -w -o json --output-watch-events
  kubectl create deployment -n wj50 j1 --image=busybox:1.36 >/dev/null
  kubectl scale deployment -n wj50 j1 --replicas=3 >/dev/null
  kubectl delete deployment -n wj50 j1 >/dev/null
  wait_for 10 grep -q '"DELETED"' json.out
  kill $WPID
  python3 - json.out <<'P'
import json, sys
dec = json.JSONDecoder(); text = open(sys.argv[1]).read(); pos = 0; events = []
while pos < len(text):
    while pos < len(text) and text[pos].isspace(): pos += 1
    if pos >= len(text): break
    ev, pos = dec.raw_decode(text, pos); events.append(ev)
types = [e["type"] for e in events]
print(types)
assert types[0] == "ADDED" and types[-1] == "DELETED" and "MODIFIED" in types, types
for e in events:
    o = e["object"]
    assert o["kind"] == "Deployment" and o["apiVersion"] == "apps/v1", o
    assert o["metadata"]["name"] == "j1"
assert any(e["object"]["spec"]["replicas"] == 3 for e in events if e["type"] == "MODIFIED")
P
}

test_watch_plain_json_objects() {
  kubectl create namespace wp50 >/dev/null
  start_watch plain.out get configmaps -n wp50 -w -o json
  kubectl create configmap -n wp50 pj --from-literal=k=v >/dev/null
  wait_for 10 grep -q '"pj"' plain.out
  kill $WPID
  out="$(cat plain.out)"
  expect_contains "$out" '"kind": "ConfigMap"'
  expect_contains "$out" '"apiVersion": "v1"'
  expect_contains "$out" '"k": "v"'
  expect_not_contains "$out" '"type": "ADDED"'
}

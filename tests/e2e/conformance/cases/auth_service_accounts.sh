# Conformance: test/e2e/auth/service_accounts.go (sig-auth ServiceAccounts: token mounts,
# kube-root-ca.crt, the ServiceAccount API, OIDC issuer discovery).

AUTH_SA_MOUNT=/var/run/secrets/kubernetes.io/serviceaccount

# auth_sa_pod NAME 'SHELL COMMAND' [extra spec lines, indented two spaces]: a run-once pod.
auth_sa_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: Never
${3:-}
  containers:
  - name: c
    image: $IMG
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "$2"]
YAML
}

# auth_sa_claims TOKEN: the JWT's payload as JSON (not verified).
auth_sa_claims() {
  python3 -c '
import base64, sys
p = sys.argv[1].split(".")[1]
print(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode())' "$1"
}

# auth_sa_claim TOKEN SLASHED/PATH: one claim, e.g. kubernetes.io/pod/name (lists joined by ",").
auth_sa_claim() {
  auth_sa_claims "$1" | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("/"):
    v = v.get(k, "") if isinstance(v, dict) else ""
print(",".join(map(str, v)) if isinstance(v, list) else v)' "$2"
}

# auth_sa_curl TOKEN PATH [curl args]: the API as the bearer of TOKEN, verifying the server with
# the cluster CA; prints the body, then the HTTP code on its own last line.
auth_sa_curl() {
  local tok="$1" path="$2"; shift 2
  curl -s --max-time 10 --cacert "$E2E_DATA/pki/ca.crt" -H "Authorization: Bearer $tok" \
    -w '\n%{http_code}' "$@" "$E2E_URL$path"
}

# auth_sa_verify_jwt TOKEN JWKS_JSON: checks the ES256 signature of TOKEN against the JWKS key
# with the token's kid (pure-Python P-256 ECDSA, no crypto module needed); prints "verified".
auth_sa_verify_jwt() {
  python3 - "$1" "$2" <<'PY'
import base64, hashlib, json, sys
def b64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
token, jwks = sys.argv[1], json.loads(sys.argv[2])
h, p, s = token.split(".")
header = json.loads(b64(h))
assert header["alg"] == "ES256", header
keys = [k for k in jwks["keys"] if k.get("kid") == header["kid"]]
assert len(keys) == 1, "no JWKS key with kid %s" % header["kid"]
k = keys[0]
assert k["kty"] == "EC" and k["crv"] == "P-256" and k["use"] == "sig", k
P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff
A = P - 3
B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b
N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
G = (0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
     0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5)
Q = (int.from_bytes(b64(k["x"]), "big"), int.from_bytes(b64(k["y"]), "big"))
assert (Q[1] ** 2 - Q[0] ** 3 - A * Q[0] - B) % P == 0, "JWK point not on P-256"
def add(a, b):
    if a is None: return b
    if b is None: return a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0: return None
    if a == b: l = (3 * a[0] * a[0] + A) * pow(2 * a[1], -1, P) % P
    else: l = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (l * l - a[0] - b[0]) % P
    return (x, (l * (a[0] - x) - a[1]) % P)
def mul(k, pt):
    r = None
    while k:
        if k & 1: r = add(r, pt)
        pt = add(pt, pt); k >>= 1
    return r
sig = b64(s)
assert len(sig) == 64, "signature is not r||s"
r, s_ = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
assert 0 < r < N and 0 < s_ < N
e = int.from_bytes(hashlib.sha256((h + "." + p).encode()).digest(), "big")
w = pow(s_, -1, N)
X = add(mul(e * w % N, G), mul(r * w % N, Q))
assert X is not None and X[0] % N == r, "signature does not verify"
print("verified")
PY
}

# [sig-auth] ServiceAccounts should mount an API token into pods: three containers read the token,
# ca.crt and namespace from the default mount; the token works against the API (curl from the
# host, verified with the mounted ca.crt).
t_sig_auth_serviceaccounts_should_mount_an_api_token_into_pods() {
  eventually 20 kubectl get serviceaccount default
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: sa-mount}
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: Never
  containers:
  - {name: token, image: $IMG, imagePullPolicy: IfNotPresent, command: ["cat", "$AUTH_SA_MOUNT/token"]}
  - {name: root-ca, image: $IMG, imagePullPolicy: IfNotPresent, command: ["cat", "$AUTH_SA_MOUNT/ca.crt"]}
  - {name: namespace, image: $IMG, imagePullPolicy: IfNotPresent, command: ["cat", "$AUTH_SA_MOUNT/namespace"]}
YAML
  expect_eq "$(kubectl get pod sa-mount -o jsonpath='{.spec.serviceAccountName}')" default
  expect_match "$(kubectl get pod sa-mount -o jsonpath='{.spec.volumes[*].name}')" '^kube-api-access-[a-z0-9]{5}$'
  expect_eq "$(kubectl get pod sa-mount -o jsonpath='{.spec.containers[2].volumeMounts[0].mountPath}')" "$AUTH_SA_MOUNT"
  wait_phase sa-mount Succeeded 60
  tok="$(kubectl logs sa-mount -c token)"
  ca="$(kubectl logs sa-mount -c root-ca)"
  expect_eq "$(kubectl logs sa-mount -c namespace)" "$NS"
  expect_eq "$ca" "$(cat "$E2E_DATA/pki/ca.crt")"
  expect_eq "$(auth_sa_claim "$tok" sub)" "system:serviceaccount:$NS:default"
  expect_eq "$(auth_sa_claim "$tok" kubernetes.io/pod/name)" sa-mount
  printf '%s\n' "$ca" >ca.crt
  out="$(curl -s --max-time 10 --cacert ca.crt -H "Authorization: Bearer $tok" -X POST \
    -H 'Content-Type: application/json' \
    -d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}' \
    "$E2E_URL/apis/authentication.k8s.io/v1/selfsubjectreviews")"
  expect_contains "$out" "\"username\":\"system:serviceaccount:$NS:default\""
  expect_contains "$out" "\"system:serviceaccounts:$NS\""
  # A token that is not the server's is refused.
  bad="$(python3 -c 'import sys; t = sys.argv[1]; i = len(t) - 10; print(t[:i] + ("A" if t[i] != "A" else "B") + t[i+1:])' "$tok")"
  expect_eq "$(auth_sa_curl "$bad" /api | tail -1)" 401
}

# [sig-auth] ServiceAccounts should mount projected service account token: an explicit projected
# serviceAccountToken source (own audience and lifetime) is written into the volume.
t_sig_auth_serviceaccounts_should_mount_projected_service_account_token() {
  eventually 20 kubectl get serviceaccount default
  auth_sa_pod sa-projected "cat /mnt/tok/sa-token; echo; ls -l /mnt/tok/; test ! -e $AUTH_SA_MOUNT/token && echo no-default-mount" \
'  automountServiceAccountToken: false
  volumes:
  - name: tok
    projected:
      sources:
      - serviceAccountToken: {path: sa-token, audience: conformance-aud, expirationSeconds: 3600}' |
    python3 -c 'import sys; t = sys.stdin.read(); print(t.replace("    command:", "    volumeMounts: [{name: tok, mountPath: /mnt/tok}]\n    command:"))' |
    kubectl apply -f - >/dev/null
  wait_phase sa-projected Succeeded 60
  out="$(kubectl logs sa-projected)"
  tok="$(head -1 <<<"$out")"
  expect_contains "$out" "no-default-mount"
  expect_contains "$out" "sa-token"
  expect_eq "$(auth_sa_claim "$tok" aud)" conformance-aud
  expect_eq "$(auth_sa_claim "$tok" kubernetes.io/pod/name)" sa-projected
  expect_eq "$(auth_sa_claim "$tok" kubernetes.io/pod/uid)" "$(kubectl get pod sa-projected -o jsonpath='{.metadata.uid}')"
  claims="$(auth_sa_claims "$tok")"
  life="$(python3 -c 'import json,sys; c=json.loads(sys.argv[1]); print(c["exp"]-c["iat"])' "$claims")"
  expect_eq "$life" 3600
  # Not an API audience: the API does not accept it.
  expect_eq "$(auth_sa_curl "$tok" /api | tail -1)" 401
}

# [sig-auth] ServiceAccounts should allow opting out of API token automount: the 3x3 matrix of
# pod automountServiceAccountToken (unset/true/false) x account (default/true/false); the token
# volume is added unless the pod says false, or leaves it unset and the account says false. Two
# of the pods run to show the mount (or its absence) in the container.
t_sig_auth_serviceaccounts_should_allow_opting_out_of_api_token_automount() {
  eventually 20 kubectl get serviceaccount default
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: mount}
automountServiceAccountToken: true
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: nomount}
automountServiceAccountToken: false
YAML
  local sa pod want got name
  for sa in default mount nomount; do
    for pod in unset true false; do
      name="pod-$sa-$pod"
      extra="  serviceAccountName: $sa"
      [ "$pod" != unset ] && extra+=$'\n'"  automountServiceAccountToken: $pod"
      auth_sa_pod "$name" "test -e $AUTH_SA_MOUNT/token && echo mounted || echo absent" "$extra" |
        kubectl create -f - >/dev/null
      want=mounted
      if [ "$pod" = false ] || { [ "$pod" = unset ] && [ "$sa" = nomount ]; }; then want=absent; fi
      got="$(kubectl get pod "$name" -o jsonpath='{.spec.containers[0].volumeMounts[*].mountPath}')"
      if [ "$want" = mounted ]; then
        expect_eq "$got" "$AUTH_SA_MOUNT"
        expect_match "$(kubectl get pod "$name" -o jsonpath='{.spec.volumes[*].name}')" '^kube-api-access-'
      else
        expect_eq "$got" ""
        expect_eq "$(kubectl get pod "$name" -o jsonpath='{.spec.volumes}')" ""
      fi
    done
  done
  wait_phase pod-default-unset Succeeded 60
  wait_phase pod-nomount-unset Succeeded 60
  expect_eq "$(kubectl logs pod-default-unset)" mounted
  expect_eq "$(kubectl logs pod-nomount-unset)" absent
}

# [sig-auth] ServiceAccounts should guarantee kube-root-ca.crt exist in any namespace: created in a
# new namespace with the cluster CA, recreated when deleted, restored when changed.
t_sig_auth_serviceaccounts_should_guarantee_kube_root_ca_crt_exist_in_any_namespace() {
  local ns2="$NS-rootca"
  kubectl create namespace "$ns2" >/dev/null
  trap 'kubectl delete namespace "$ns2" --wait=false >/dev/null 2>&1' RETURN
  ca="$(cat "$E2E_DATA/pki/ca.crt")"
  cadata() { kubectl -n "$ns2" get configmap kube-root-ca.crt -o jsonpath='{.data.ca\.crt}'; }
  eventually 20 kubectl -n "$ns2" get configmap kube-root-ca.crt
  expect_eq "$(cadata)" "$ca"
  uid="$(kubectl -n "$ns2" get configmap kube-root-ca.crt -o jsonpath='{.metadata.uid}')"
  kubectl -n "$ns2" delete configmap kube-root-ca.crt >/dev/null
  recreated() { local u; u="$(kubectl -n "$ns2" get configmap kube-root-ca.crt -o jsonpath='{.metadata.uid}')" && [ -n "$u" ] && [ "$u" != "$uid" ]; }
  eventually 20 recreated
  expect_eq "$(cadata)" "$ca"
  kubectl -n "$ns2" patch configmap kube-root-ca.crt --type merge \
    -p '{"data":{"ca.crt":"changed","other":"x"}}' >/dev/null
  restored() { [ "$(cadata)" = "$ca" ] &&
    [ "$(kubectl -n "$ns2" get configmap kube-root-ca.crt -o jsonpath='{.data.other}')" = "" ]; }
  eventually 20 restored
  # Every namespace has one, this test's own too.
  expect_eq "$(kubectl get configmap kube-root-ca.crt -o jsonpath='{.data.ca\.crt}')" "$ca"
}

# [sig-auth] ServiceAccounts should run through the lifecycle of a ServiceAccount: create with a
# label (ADDED in a watch), patch (returned and listed), delete (DELETED in the watch).
t_sig_auth_serviceaccounts_should_run_through_the_lifecycle_of_a_serviceaccount() {
  rv="$(api GET "/api/v1/namespaces/$NS/serviceaccounts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')"
  api GET "/api/v1/namespaces/$NS/serviceaccounts?watch=true&labelSelector=test-sa-static%3Dtrue&resourceVersion=$rv" \
    --max-time 20 -N >watch.out 2>/dev/null &
  local watcher=$!
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata:
  name: testserviceaccount
  labels: {test-sa-static: "true"}
YAML
  out="$(kubectl patch serviceaccount testserviceaccount --type merge -o json \
    -p '{"metadata":{"labels":{"test-sa":"patched"}},"automountServiceAccountToken":false}')"
  expect_contains "$out" '"test-sa": "patched"'
  expect_contains "$out" '"automountServiceAccountToken": false'
  list="$(kubectl get serviceaccounts -l test-sa-static=true -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.labels.test-sa} {.automountServiceAccountToken}{"\n"}{end}')"
  expect_eq "$list" "testserviceaccount patched false"
  kubectl delete serviceaccount testserviceaccount >/dev/null
  seen() { grep -q '"type":"DELETED"' watch.out; }
  eventually 10 seen
  kill "$watcher" 2>/dev/null || true
  events="$(python3 -c '
import json, sys
for line in open("watch.out"):
    if line.strip():
        e = json.loads(line)
        print(e["type"], e["object"]["metadata"]["name"], e["object"]["metadata"]["labels"].get("test-sa-static"))' )"
  expect_contains "$events" "ADDED testserviceaccount true"
  expect_contains "$events" "MODIFIED testserviceaccount true"
  expect_contains "$events" "DELETED testserviceaccount true"
  expect_fail kubectl get serviceaccount testserviceaccount
}

# [sig-auth] ServiceAccounts should update a ServiceAccount: create, then update (PUT via kubectl
# replace and via curl) and read the new values back.
t_sig_auth_serviceaccounts_should_update_a_serviceaccount() {
  kubectl create serviceaccount e2e-sa-update >/dev/null
  kubectl get serviceaccount e2e-sa-update -o json |
    python3 -c 'import json,sys; o=json.load(sys.stdin); o["automountServiceAccountToken"]=True; print(json.dumps(o))' |
    kubectl replace -f - >/dev/null
  expect_eq "$(kubectl get serviceaccount e2e-sa-update -o jsonpath='{.automountServiceAccountToken}')" true
  obj="$(api GET "/api/v1/namespaces/$NS/serviceaccounts/e2e-sa-update" |
    python3 -c 'import json,sys; o=json.load(sys.stdin); o["automountServiceAccountToken"]=False; o["secrets"]=[{"name":"s1"}]; print(json.dumps(o))')"
  out="$(api PUT "/api/v1/namespaces/$NS/serviceaccounts/e2e-sa-update" -H 'Content-Type: application/json' -d "$obj")"
  expect_contains "$out" '"automountServiceAccountToken":false'
  expect_eq "$(kubectl get serviceaccount e2e-sa-update -o jsonpath='{.automountServiceAccountToken} {.secrets[0].name}')" "false s1"
}

# [sig-auth] ServiceAccounts ServiceAccountIssuerDiscovery should support OIDC discovery of service
# account issuer: a pod's own token reads the discovery document and JWKS (curl from the host, as
# the pod would in-cluster); the issuer matches the token's and the JWKS key verifies its ES256
# signature (agnhost test-service-account-issuer-discovery -> busybox cat + host-side check).
t_sig_auth_serviceaccounts_serviceaccountissuerdiscovery_should_support_oidc_discovery_of_service_account_issuer() {
  eventually 20 kubectl get serviceaccount default
  auth_sa_pod oidc "cat $AUTH_SA_MOUNT/token" | kubectl apply -f - >/dev/null
  wait_phase oidc Succeeded 60
  tok="$(kubectl logs oidc)"
  expect_eq "$(curl -sk --max-time 10 -o /dev/null -w '%{http_code}' "$E2E_URL/.well-known/openid-configuration")" 401
  conf="$(auth_sa_curl "$tok" /.well-known/openid-configuration)"
  expect_eq "$(tail -1 <<<"$conf")" 200
  conf="$(sed '$d' <<<"$conf")"
  field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print(",".join(v) if isinstance(v, list) else v)' "$1" "$2"; }
  iss="$(field "$conf" issuer)"
  expect_eq "$iss" "$(auth_sa_claim "$tok" iss)"
  expect_eq "$(field "$conf" jwks_uri)" "$iss/openid/v1/jwks"
  expect_contains "$(field "$conf" id_token_signing_alg_values_supported)" ES256
  expect_eq "$(field "$conf" response_types_supported)" id_token
  expect_eq "$(field "$conf" subject_types_supported)" public
  jwks="$(auth_sa_curl "$tok" /openid/v1/jwks -D headers.txt)"
  expect_eq "$(tail -1 <<<"$jwks")" 200
  expect_contains "$(cat headers.txt)" "application/jwk-set+json"
  jwks="$(sed '$d' <<<"$jwks")"
  expect_eq "$(auth_sa_verify_jwt "$tok" "$jwks")" verified
  # A tampered payload does not verify against the same key.
  forged="$(python3 -c '
import base64, json, sys
h, p, s = sys.argv[1].split(".")
c = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
c["sub"] = "system:serviceaccount:kube-system:admin"
print(h + "." + base64.urlsafe_b64encode(json.dumps(c).encode()).decode().rstrip("=") + "." + s)' "$tok")"
  expect_fail auth_sa_verify_jwt "$forged" "$jwks"
}

# Table columns of every kind kubectl users look at daily.

test_get_services_of_each_type() {
  kubectl create namespace sv60 >/dev/null
  cat <<'Y' | kubectl apply -n sv60 -f - >/dev/null
apiVersion: v1
kind: Service
metadata: {name: np}
spec:
  type: NodePort
  selector: {app: x}
  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata: {name: lb}
spec:
  type: LoadBalancer
  selector: {app: x}
  ports: [{name: https, port: 443, nodePort: 30443}, {name: dns, port: 53, protocol: UDP, nodePort: 30053}]
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: db.example.com}
Y
  out="$(kubectl get svc -n sv60 -o wide)"
  expect_match "$out" "^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE +SELECTOR"
  expect_match "$out" "^np +NodePort +.* +<none> +80:30080/TCP +[0-9]+s +app=x"
  expect_match "$out" "^lb +LoadBalancer +.* +<pending> +443:30443/TCP,53:30053/UDP +[0-9]+s +app=x"
  expect_match "$out" "^ext +ExternalName +<none> +db\.example\.com +<none> +[0-9]+s +<none>"
  kubectl patch svc lb -n sv60 --subresource=status --type=merge \
    -p '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.7"}]}}}' >/dev/null
  out="$(kubectl get svc lb -n sv60)"
  expect_match "$out" "^lb +LoadBalancer +.* +203\.0\.113\.7 +443:30443/TCP,53:30053/UDP"
}

test_get_secret_cm_sa_ns() {
  kubectl create namespace cs60 >/dev/null
  kubectl create secret generic s1 -n cs60 --from-literal=a=1 --from-literal=b=2 >/dev/null
  kubectl create secret docker-registry reg -n cs60 --docker-server=r.example --docker-username=u --docker-password=p >/dev/null
  kubectl create configmap c1 -n cs60 --from-literal=a=1 --from-literal=b=2 --from-literal=c=3 >/dev/null
  kubectl create serviceaccount robot -n cs60 >/dev/null
  out="$(kubectl get secrets -n cs60)"
  expect_match "$out" "^NAME +TYPE +DATA +AGE"
  expect_match "$out" "^s1 +Opaque +2 +[0-9]+s"
  expect_match "$out" "^reg +kubernetes.io/dockerconfigjson +1 +[0-9]+s"
  out="$(kubectl get cm c1 -n cs60)"
  expect_match "$out" "^NAME +DATA +AGE"
  expect_match "$out" "^c1 +3 +[0-9]+s"
  out="$(kubectl get sa robot -n cs60)"
  expect_match "$out" "^NAME +SECRETS +AGE"
  expect_match "$out" "^robot +0 +[0-9]+s"
  out="$(kubectl get ns cs60 --show-labels)"
  expect_match "$out" "^NAME +STATUS +AGE +LABELS"
  expect_match "$out" "^cs60 +Active +[0-9]+s +kubernetes.io/metadata.name=cs60"
}

test_get_lease_hpa_pdb_netpol_slices() {
  kubectl create namespace mk60 >/dev/null
  cat <<'Y' | kubectl apply -f - >/dev/null
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: node-60, namespace: kube-node-lease}
spec: {holderIdentity: node-60, leaseDurationSeconds: 40}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h1, namespace: mk60}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb1, namespace: mk60}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb2, namespace: mk60}
spec: {maxUnavailable: "25%", selector: {matchLabels: {app: web}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-fe, namespace: mk60}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {role: fe}}}], ports: [{port: 80}]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, namespace: mk60, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- {addresses: ["10.42.0.7"], conditions: {ready: true}}
- {addresses: ["10.42.0.8"], conditions: {ready: true}}
Y
  out="$(kubectl get lease -n kube-node-lease node-60)"
  expect_match "$out" "^NAME +HOLDER +AGE"
  expect_match "$out" "^node-60 +node-60 +[0-9]+s"
  out="$(kubectl get hpa -n mk60)"
  expect_match "$out" "^NAME +REFERENCE +TARGETS +MINPODS +MAXPODS +REPLICAS +AGE"
  expect_match "$out" "^h1 +Deployment/web +cpu: <unknown>/80% +2 +10 +0 +[0-9]+s"
  out="$(kubectl get pdb -n mk60)"
  expect_match "$out" "^NAME +MIN AVAILABLE +MAX UNAVAILABLE +ALLOWED DISRUPTIONS +AGE"
  expect_match "$out" "^pdb1 +1 +N/A +0 +[0-9]+s"
  expect_match "$out" "^pdb2 +N/A +25% +0 +[0-9]+s"
  out="$(kubectl get netpol -n mk60)"
  expect_match "$out" "^NAME +POD-SELECTOR +AGE"
  expect_match "$out" "^allow-fe +app=web +[0-9]+s"
  expect_eq "$(kubectl get netpol allow-fe -n mk60 -o jsonpath='{.spec.policyTypes} {.spec.ingress[0].ports[0].protocol}')" '["Ingress"] TCP'
  out="$(kubectl get endpointslices -n mk60)"
  expect_match "$out" "^NAME +ADDRESSTYPE +PORTS +ENDPOINTS +AGE"
  expect_match "$out" "^web-abc +IPv4 +8080 +10\.42\.0\.7,10\.42\.0\.8 +[0-9]+s"
}

test_get_cronjob_and_job() {
  kubectl create namespace bj60 >/dev/null
  kubectl create cronjob cj1 -n bj60 --image=busybox:1.36 --schedule='*/5 * * * *' -- date >/dev/null
  kubectl create job j1 -n bj60 --image=busybox:1.36 -- echo hi >/dev/null
  out="$(kubectl get cronjob -n bj60)"
  expect_match "$out" "^NAME +SCHEDULE +TIMEZONE +SUSPEND +ACTIVE +LAST SCHEDULE +AGE"
  expect_match "$out" "^cj1 +\*/5 \* \* \* \* +<none> +False +0 +<none> +[0-9]+s"
  out="$(kubectl get job -n bj60 -o wide)"
  expect_match "$out" "^NAME +STATUS +COMPLETIONS +DURATION +AGE +CONTAINERS +IMAGES +SELECTOR"
  expect_match "$out" "^j1 +Running +0/1 +([0-9]+s +)?[0-9]+s +j1 +busybox:1\.36 +batch\.kubernetes\.io/controller-uid=[0-9a-f-]{36}"
  kubectl patch job j1 -n bj60 --subresource=status --type=merge -p '{"status":{
    "startTime":"2024-01-01T00:00:00Z","completionTime":"2024-01-01T00:00:07Z","succeeded":1,
    "conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}}' >/dev/null
  out="$(kubectl get job j1 -n bj60)"
  expect_match "$out" "^j1 +Complete +1/1 +7s +[0-9]+s"
  out="$(kubectl wait --for=condition=Complete job/j1 -n bj60 --timeout=5s)"
  expect_contains "$out" "job.batch/j1 condition met"
}

# Conformance: test/e2e/apimachinery/aggregated_discovery.go (sig-api-machinery AggregatedDiscovery).

# aggdisc_get PATH ACCEPT: GET with that Accept; prints "<content-type>\n<body>".
aggdisc_get() {
  api GET "$1" -H "Accept: $2" -D "/tmp/capi-agg-$NS.h" -o "/tmp/capi-agg-$NS.b"
  grep -i '^content-type:' "/tmp/capi-agg-$NS.h" | tr -d '\r' | cut -d' ' -f2-
  cat "/tmp/capi-agg-$NS.b"; rm -f "/tmp/capi-agg-$NS.h" "/tmp/capi-agg-$NS.b"
}

# The built-in group/version/resources the conformance test expects in aggregated discovery.
AGGDISC_GVRS="v1/namespaces admissionregistration.k8s.io/v1/validatingwebhookconfigurations
apiextensions.k8s.io/v1/customresourcedefinitions apiregistration.k8s.io/v1/apiservices
apps/v1/deployments authentication.k8s.io/v1/tokenreviews authorization.k8s.io/v1/selfsubjectaccessreviews
autoscaling/v1/horizontalpodautoscalers autoscaling/v2/horizontalpodautoscalers batch/v1/jobs
certificates.k8s.io/v1/certificatesigningrequests coordination.k8s.io/v1/leases
discovery.k8s.io/v1/endpointslices events.k8s.io/v1/events networking.k8s.io/v1/ingresses
node.k8s.io/v1/runtimeclasses policy/v1/poddisruptionbudgets scheduling.k8s.io/v1/priorityclasses
storage.k8s.io/v1/csinodes"

# aggdisc_gvrs CORE-DOC APIS-DOC: every "group/version/resource" (core as "v1/resource") listed.
aggdisc_gvrs() {
  jq -r '.items[] | .metadata.name as $g | .versions[] | .version as $v | .resources[] |
         (if ($g // "") == "" then "\($v)/\(.resource)" else "\($g)/\($v)/\(.resource)" end)' <<<"$1"
  jq -r '.items[] | .metadata.name as $g | .versions[] | .version as $v | .resources[] | "\($g)/\($v)/\(.resource)"' <<<"$2"
}

# aggdisc_expect_all LISTED: fails naming every expected GVR missing from LISTED.
aggdisc_expect_all() {
  local missing="" gvr
  for gvr in $AGGDISC_GVRS; do grep -qx "$gvr" <<<"$1" || missing+=" $gvr"; done
  [ -z "$missing" ] || { echo "missing from aggregated discovery:$missing"; return 1; }
}

# [sig-api-machinery] AggregatedDiscovery should support aggregated discovery interface: the
# aggregated documents (what kubectl's discovery client reads) list every expected built-in
# resource, and every group of the legacy /apis document.
t_sig_api_machinery_aggregateddiscovery_should_support_aggregated_discovery_interface() {
  local acc='application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'
  local core apis g
  core="$(aggdisc_get /api "$acc" | tail -n +2)"
  apis="$(aggdisc_get /apis "$acc" | tail -n +2)"
  expect_eq "$(jq -r .kind <<<"$core")" APIGroupDiscoveryList
  expect_eq "$(jq -r .kind <<<"$apis")" APIGroupDiscoveryList
  for g in $(kubectl get --raw /apis | jq -r '.groups[].name'); do
    jq -e --arg g "$g" '.items[] | select(.metadata.name==$g)' <<<"$apis" >/dev/null || { echo "missing group $g"; return 1; }
  done
  expect_contains "$(kubectl api-resources -o name)" deployments.apps
  aggdisc_expect_all "$(aggdisc_gvrs "$core" "$apis")"
}

# [sig-api-machinery] AggregatedDiscovery should support raw aggregated discovery endpoint Accept
# headers: the v2 aggregated Accept header gets an APIGroupDiscoveryList with the matching
# Content-Type from /api and /apis, listing the expected built-in resources; a plain JSON Accept
# still gets the legacy APIGroupList.
t_sig_api_machinery_aggregateddiscovery_should_support_raw_aggregated_discovery_endpoint_accept_headers() {
  local acc='application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'
  local out ct core apis path
  for path in /api /apis; do
    out="$(aggdisc_get "$path" "$acc")"
    ct="$(head -1 <<<"$out")"
    expect_contains "$ct" "g=apidiscovery.k8s.io"
    expect_contains "$ct" "v=v2"
    expect_contains "$ct" "as=APIGroupDiscoveryList"
    expect_eq "$(tail -n +2 <<<"$out" | jq -r .apiVersion)" "apidiscovery.k8s.io/v2"
    if [ "$path" = /api ]; then core="$(tail -n +2 <<<"$out")"; else apis="$(tail -n +2 <<<"$out")"; fi
  done
  out="$(aggdisc_get /apis application/json)"
  expect_eq "$(tail -n +2 <<<"$out" | jq -r .kind)" APIGroupList
  aggdisc_expect_all "$(aggdisc_gvrs "$core" "$apis")"
}

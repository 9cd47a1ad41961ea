# Conformance: test/e2e/apimachinery/discovery.go (sig-api-machinery Discovery).

# [sig-api-machinery] Discovery should locate the groupVersion and a resource within each APIGroup:
# every group version listed by /apis (and core v1) serves an APIResourceList naming itself.
t_sig_api_machinery_discovery_should_locate_the_groupversion_and_a_resource_within_each_apigroup() {
  local gvs gv list
  gvs="$(kubectl get --raw /apis | jq -r '.groups[].versions[].groupVersion')"
  [ -n "$gvs" ]
  for gv in v1 $gvs; do
    if [ "$gv" = v1 ]; then list="$(kubectl get --raw /api/v1)"; else list="$(kubectl get --raw "/apis/$gv")"; fi
    expect_eq "$(jq -r .kind <<<"$list")" APIResourceList
    expect_eq "$(jq -r .groupVersion <<<"$list")" "$gv"
    # at least one resource with a name, a kind and verbs
    expect_match "$(jq -r '.resources[] | select(.name != "" and .kind != "" and (.verbs|length) > 0) | .name' <<<"$list")" '.'
  done
  expect_contains "$(kubectl get --raw /api/v1 | jq -r '.resources[].name')" pods
  expect_contains "$(kubectl get --raw /apis/apps/v1 | jq -r '.resources[].name')" deployments
}

# [sig-api-machinery] Discovery should validate PreferredVersion for each APIGroup: each group's
# preferredVersion is one of its versions, in /apis and in /apis/<group>.
t_sig_api_machinery_discovery_should_validate_preferredversion_for_each_apigroup() {
  local apis group pref one n=0
  apis="$(kubectl get --raw /apis)"
  expect_eq "$(jq -r .kind <<<"$apis")" APIGroupList
  for group in $(jq -r '.groups[].name' <<<"$apis"); do
    pref="$(jq -r --arg g "$group" '.groups[] | select(.name==$g) | .preferredVersion.groupVersion' <<<"$apis")"
    expect_match "$pref" "^$group/v[0-9]"
    expect_contains "$(jq -r --arg g "$group" '.groups[] | select(.name==$g) | .versions[].groupVersion' <<<"$apis")" "$pref"
    one="$(kubectl get --raw "/apis/$group")"
    expect_eq "$(jq -r .kind <<<"$one")" APIGroup
    expect_eq "$(jq -r .preferredVersion.groupVersion <<<"$one")" "$pref"
    n=$((n + 1))
  done
  [ "$n" -ge 5 ] || { echo "only $n groups"; return 1; }
}

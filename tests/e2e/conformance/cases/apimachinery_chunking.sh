# Conformance: test/e2e/apimachinery/chunking.go (sig-api-machinery API chunking), with
# PodTemplates as the listed objects, like the upstream test.

# chunk_make N: N pod templates template-0000.. in the test namespace (raw API, fast).
chunk_make() {
  local i
  for ((i = 0; i < $1; i++)); do
    api POST "/api/v1/namespaces/$NS/podtemplates" -H 'Content-Type: application/json' -o /dev/null -d \
      "{\"metadata\":{\"name\":\"template-$(printf %04d "$i")\"},\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"$IMG\"}]}}}"
  done
  expect_eq "$(kubectl get podtemplates -o name | wc -l)" "$1"
}

# [sig-api-machinery] Servers with support for API chunking should return chunks of results for
# list calls: pages of at most `limit` items, remainingItemCount counting down, every page at the
# first page's resourceVersion, all items once in order; without a limit, one response.
t_sig_api_machinery_servers_with_support_for_api_chunking_should_return_chunks_of_results_for_list_calls() {
  local n=120 limit=17 page cont="" rv="" seen=0 names="" got remaining
  chunk_make $n
  while :; do
    page="$(kubectl get --raw "/api/v1/namespaces/$NS/podtemplates?limit=$limit${cont:+&continue=$cont}")"
    got="$(jq '.items | length' <<<"$page")"
    [ "$got" -le "$limit" ] || { echo "page of $got > $limit"; return 1; }
    [ -n "$rv" ] || rv="$(jq -r .metadata.resourceVersion <<<"$page")"
    expect_eq "$(jq -r .metadata.resourceVersion <<<"$page")" "$rv"
    seen=$((seen + got))
    names+="$(jq -r '.items[].metadata.name' <<<"$page")"$'\n'
    cont="$(jq -r '.metadata.continue // ""' <<<"$page")"
    remaining="$(jq -r '.metadata.remainingItemCount // "none"' <<<"$page")"
    if [ -z "$cont" ]; then
      expect_eq "$remaining" none
      break
    fi
    expect_eq "$remaining" $((n - seen))
  done
  expect_eq "$seen" $n
  expect_eq "$(grep -c . <<<"$names")" $n
  expect_eq "$(grep . <<<"$names")" "$(grep . <<<"$names" | sort -u)"
  expect_eq "$(kubectl get --raw "/api/v1/namespaces/$NS/podtemplates" | jq '.items | length')" $n
  # kubectl pages the same way (--chunk-size)
  expect_eq "$(kubectl get podtemplates --chunk-size=7 -o name | wc -l)" $n
}

# [sig-api-machinery] Servers with support for API chunking should support continue listing from
# the last key if the original version has been compacted away, though the list is inconsistent:
# the expired continue token gets 410 with a new token that continues at the latest version.
# berth compacts every 60 s keeping 10,000 revisions, so this writes past that (one curl, 8
# requests in flight) and waits for the next compaction; it runs alone, since the churn ages
# every other test's resourceVersions too.
CONF_SERIAL+=" t_sig_api_machinery_servers_with_support_for_api_chunking_should_support_continue_listing_from_the_last_key_if_the_original_version_has_been_compacted_away_though_the_list_is_inconsistent"
t_sig_api_machinery_servers_with_support_for_api_chunking_should_support_continue_listing_from_the_last_key_if_the_original_version_has_been_compacted_away_though_the_list_is_inconsistent() {
  local n=40 limit=15 page cont code inc seen i before after
  chunk_make $n
  page="$(kubectl get --raw "/api/v1/namespaces/$NS/podtemplates?limit=$limit")"
  cont="$(jq -r .metadata.continue <<<"$page")"
  seen="$(jq '.items | length' <<<"$page")"
  # 8 configmaps patched in turn (parallel patches of one object would conflict)
  for i in 0 1 2 3 4 5 6 7; do kubectl create configmap "churn-$i" >/dev/null; done
  before="$(kubectl get --raw "/api/v1/namespaces/$NS/configmaps" | jq -r .metadata.resourceVersion)"
  {
    echo 'parallel'; echo 'parallel-max = 8'; echo 'silent'; echo 'no-progress-meter'
    for ((i = 0; i < 10500; i++)); do
      [ "$i" -gt 0 ] && echo next
      printf 'url = "%s"\ninsecure\noutput = "/dev/null"\nrequest = "PATCH"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/merge-patch+json"\ndata = "{\\"data\\":{\\"i\\":\\"%d\\"}}"\n' \
        "$E2E_URL/api/v1/namespaces/$NS/configmaps/churn-$((i % 8))" "$E2E_TOKEN" "$i"
    done
  } >churn.cfg
  curl -K churn.cfg
  after="$(kubectl get --raw "/api/v1/namespaces/$NS/configmaps" | jq -r .metadata.resourceVersion)"
  [ $((after - before)) -ge 10500 ] || { echo "only $((after - before)) writes landed"; return 1; }
  # the next compaction (every 60 s) drops the token's revision: 410
  local deadline=$(( SECONDS + 90 ))
  until code="$(api GET "/api/v1/namespaces/$NS/podtemplates?limit=$limit&continue=$cont" -o expired.json -w '%{http_code}')"; [ "$code" = 410 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "continue token never expired (last code $code)"; return 1; }
    sleep 1
  done
  inc="$(jq -r '.metadata.continue // ""' expired.json)"
  [ -n "$inc" ] || { echo "410 without an inconsistent continue token"; cat expired.json; return 1; }
  page="$(kubectl get --raw "/api/v1/namespaces/$NS/podtemplates?limit=$limit&continue=$inc")"
  expect_eq "$(jq '.items | length' <<<"$page")" $limit
  expect_eq "$(jq -r '.items[0].metadata.name' <<<"$page")" "template-$(printf %04d "$seen")"
  expect_eq "$(jq -r .metadata.remainingItemCount <<<"$page")" $((n - seen - limit))
  cont="$(jq -r .metadata.continue <<<"$page")"
  page="$(kubectl get --raw "/api/v1/namespaces/$NS/podtemplates?limit=$limit&continue=$cont")"
  expect_eq "$(jq '.items | length' <<<"$page")" $((n - seen - limit))
  expect_eq "$(jq -r '.metadata.continue // ""' <<<"$page")" ""
}

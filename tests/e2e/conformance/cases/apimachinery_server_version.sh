# Conformance: test/e2e/apimachinery/server_version.go (sig-api-machinery server version).

# [sig-api-machinery] server version should find the server version: /version has integer
# major and minor and a gitVersion.
t_sig_api_machinery_server_version_should_find_the_server_version() {
  local v
  v="$(kubectl get --raw /version)"
  expect_match "$(jq -r .major <<<"$v")" '^[0-9]+$'
  expect_match "$(jq -r .minor <<<"$v")" '^[0-9]+$'
  expect_match "$(jq -r .gitVersion <<<"$v")" '^v[0-9]+\.[0-9]+'
  expect_match "$(kubectl version -o json | jq -r .serverVersion.major)" '^[0-9]+$'
}

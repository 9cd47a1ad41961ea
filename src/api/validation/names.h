// Name and value validators with Kubernetes' rules and wording
// (apimachinery/pkg/util/validation). Each returns a list of problems; empty
// means valid. Messages read like Kubernetes' so kubectl users recognise them.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace berth::api::validation {

// RFC 1123 label: at most 63 chars, [a-z0-9]([-a-z0-9]*[a-z0-9])?
std::vector<std::string> IsDNS1123Label(std::string_view value);
// RFC 1123 subdomain: at most 253 chars, dot-separated labels.
std::vector<std::string> IsDNS1123Subdomain(std::string_view value);
// RFC 1035 label (service names): starts with a letter.
std::vector<std::string> IsDNS1035Label(std::string_view value);
// Label/annotation keys: optional DNS subdomain prefix + '/' + name (63 chars, alnum ends, -_. inside).
std::vector<std::string> IsQualifiedName(std::string_view value);
// Label values: empty or up to 63 chars of alnum with -_. inside, alnum ends.
std::vector<std::string> IsValidLabelValue(std::string_view value);
// 1..65535
std::vector<std::string> IsValidPortNum(int64_t port);
// IANA_SVC_NAME: up to 15 chars, lowercase alnum and '-', at least one letter.
std::vector<std::string> IsValidPortName(std::string_view value);
// C identifier-ish env var names: [-._a-zA-Z][-._a-zA-Z0-9]*
std::vector<std::string> IsEnvVarName(std::string_view value);
// A valid IPv4 or IPv6 address.
std::vector<std::string> IsValidIP(std::string_view value);

}  // namespace berth::api::validation

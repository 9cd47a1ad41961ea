// Standard base64 (RFC 4648, with padding), as Secrets' data and kubeconfig *-data fields use it.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace berth {

// Decodes `in`, ignoring whitespace; decoding stops at the first character outside the alphabet
// (padding included), so malformed input yields its valid prefix.
std::string Base64Decode(std::string_view in);

}  // namespace berth

// Standard base64 (RFC 4648, with padding): how Kubernetes JSON carries
// `bytes` fields such as Secret.data. Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace berth::api::protobuf {

std::string Base64Encode(std::string_view data);

}  // namespace berth::api::protobuf

// Base64url without padding (RFC 4648 section 5), the encoding of JWT segments and JWK numbers.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth::apiserver::serviceaccount {

std::string Base64UrlEncode(std::string_view bytes);
// nullopt for a character outside the alphabet, '=' padding, or an impossible length.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace berth::apiserver::serviceaccount

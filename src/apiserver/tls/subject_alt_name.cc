#include "apiserver/tls/subject_alt_name.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace berth::apiserver::tls {

std::string SubjectAltName::ToString() const {
  return (kind == Kind::kIp ? "IP:" : "DNS:") + value;
}

std::string IpText(std::string_view bytes) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (bytes.size() == 4) {
    ::inet_ntop(AF_INET, bytes.data(), buf, sizeof(buf));
  } else if (bytes.size() == 16) {
    ::inet_ntop(AF_INET6, bytes.data(), buf, sizeof(buf));
  } else {
    return "";
  }
  return buf;
}

std::string IpBytes(const SubjectAltName& san) {
  unsigned char buf[16];
  if (::inet_pton(AF_INET, san.value.c_str(), buf) == 1) {
    return std::string(reinterpret_cast<char*>(buf), 4);
  }
  if (::inet_pton(AF_INET6, san.value.c_str(), buf) == 1) {
    return std::string(reinterpret_cast<char*>(buf), 16);
  }
  return "";
}

StatusOr<SubjectAltName> ParseSubjectAltName(std::string_view text) {
  std::string s(text);
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (s.empty()) return BadRequest("empty subject alternative name");
  unsigned char buf[16];
  if (::inet_pton(AF_INET, s.c_str(), buf) == 1) {
    return SubjectAltName{SubjectAltName::Kind::kIp,
                          IpText(std::string_view(reinterpret_cast<char*>(buf), 4))};
  }
  if (::inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    return SubjectAltName{SubjectAltName::Kind::kIp,
                          IpText(std::string_view(reinterpret_cast<char*>(buf), 16))};
  }
  std::string dns;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool wildcard = c == '*' && i == 0 && s.size() > 2 && s[1] == '.';
    if (!std::isalnum(c) && c != '-' && c != '.' && c != '_' && !wildcard) {
      return BadRequest("invalid subject alternative name \"" + std::string(text) +
                        "\": not an IP address or DNS name");
    }
    dns.push_back(static_cast<char>(std::tolower(c)));
  }
  if (dns.size() > 253 || dns.front() == '.' || dns.back() == '.' ||
      dns.find("..") != std::string::npos) {
    return BadRequest("invalid subject alternative name \"" + std::string(text) + "\"");
  }
  return SubjectAltName{SubjectAltName::Kind::kDns, dns};
}

std::vector<SubjectAltName> CanonicalSanSet(std::vector<SubjectAltName> sans) {
  std::sort(sans.begin(), sans.end());
  sans.erase(std::unique(sans.begin(), sans.end()), sans.end());
  return sans;
}

}  // namespace berth::apiserver::tls

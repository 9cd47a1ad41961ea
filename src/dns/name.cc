#include "dns/name.h"

#include <cstdio>

#include "dns/dns_types.h"

namespace berth::dns {

namespace {

// The common case (no escapes): split at dots, reusing the strings already in `labels`.
bool SplitPlainName(std::string_view text, std::vector<std::string>* labels) {
  size_t count = 0;
  size_t wire = 1;
  size_t start = 0;
  while (start < text.size()) {
    size_t dot = text.find('.', start);
    if (dot == std::string_view::npos) dot = text.size();
    size_t len = dot - start;
    if (len == 0 || len > kMaxLabelLength) return false;
    wire += len + 1;
    if (wire > kMaxNameWireLength) return false;
    if (labels->size() <= count) labels->emplace_back();
    (*labels)[count++].assign(text.substr(start, len));
    start = dot + 1;
  }
  labels->resize(count);
  return true;
}

}  // namespace

bool SplitName(std::string_view text, std::vector<std::string>* labels) {
  if (text.empty() || text == ".") {
    labels->clear();
    return true;
  }
  if (text.find('\\') == std::string_view::npos) {
    if (SplitPlainName(text, labels)) return true;
    labels->clear();
    return false;
  }
  labels->clear();
  std::string label;
  size_t wire = 1;  // the root label's length byte
  size_t i = 0;
  auto finish = [&]() -> bool {
    if (label.empty() || label.size() > kMaxLabelLength) return false;
    wire += label.size() + 1;
    if (wire > kMaxNameWireLength) return false;
    labels->push_back(std::move(label));
    label.clear();
    return true;
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '.') {
      if (!finish()) return false;
      ++i;
      if (i == text.size()) return true;  // trailing dot
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) return false;
      char n = text[i + 1];
      if (n >= '0' && n <= '9') {
        if (i + 3 >= text.size()) return false;
        int v = 0;
        for (size_t k = 1; k <= 3; ++k) {
          char d = text[i + k];
          if (d < '0' || d > '9') return false;
          v = v * 10 + (d - '0');
        }
        if (v > 255) return false;
        label.push_back(static_cast<char>(v));
        i += 4;
      } else {
        label.push_back(n);
        i += 2;
      }
      continue;
    }
    label.push_back(c);
    ++i;
  }
  return finish();
}

void AppendEscapedLabel(std::string_view raw, std::string* out) {
  for (unsigned char c : raw) {
    if (c == '.' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x21 || c > 0x7e) {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\%03u", static_cast<unsigned>(c));
      out->append(buf, 4);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool InZone(std::string_view name, std::string_view zone) {
  if (zone.empty()) return true;
  if (name.size() == zone.size()) return name == zone;
  if (name.size() < zone.size() + 1) return false;
  return name.substr(name.size() - zone.size()) == zone &&
         name[name.size() - zone.size() - 1] == '.';
}

namespace {

// Parses four decimal octets separated by `sep`.
std::optional<uint32_t> ParseOctets(std::string_view text, char sep) {
  uint32_t ip = 0;
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (pos >= text.size()) return std::nullopt;
    size_t start = pos;
    uint32_t v = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      v = v * 10 + static_cast<uint32_t>(text[pos] - '0');
      if (pos - start >= 3 || v > 255) return std::nullopt;
      ++pos;
    }
    size_t digits = pos - start;
    if (digits == 0 || (digits > 1 && text[start] == '0')) return std::nullopt;
    ip = (ip << 8) | v;
    if (part < 3) {
      if (pos >= text.size() || text[pos] != sep) return std::nullopt;
      ++pos;
    }
  }
  if (pos != text.size()) return std::nullopt;
  return ip;
}

std::string FormatOctets(uint32_t ip, char sep) {
  char buf[16];
  int n = std::snprintf(buf, sizeof(buf), "%u%c%u%c%u%c%u", (ip >> 24) & 0xff, sep,
                        (ip >> 16) & 0xff, sep, (ip >> 8) & 0xff, sep, ip & 0xff);
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

std::optional<uint32_t> ParseIPv4(std::string_view text) { return ParseOctets(text, '.'); }
std::string FormatIPv4(uint32_t ip) { return FormatOctets(ip, '.'); }
std::optional<uint32_t> ParseDashedIPv4(std::string_view label) { return ParseOctets(label, '-'); }
std::string DashedIPv4(uint32_t ip) { return FormatOctets(ip, '-'); }

std::string ReverseName(uint32_t ip) {
  uint32_t rev = ((ip & 0xff) << 24) | ((ip & 0xff00) << 8) | ((ip >> 8) & 0xff00) | (ip >> 24);
  return FormatIPv4(rev) + ".in-addr.arpa";
}

std::optional<uint32_t> ParseReverseName(const std::vector<std::string>& lower_labels) {
  if (lower_labels.size() != 6 || lower_labels[4] != "in-addr" || lower_labels[5] != "arpa") {
    return std::nullopt;
  }
  std::string dotted =
      lower_labels[3] + "." + lower_labels[2] + "." + lower_labels[1] + "." + lower_labels[0];
  return ParseIPv4(dotted);
}

}  // namespace berth::dns

#include "agent/exec_protocol.h"

#include "common/base64.h"

namespace berth::agent {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string Base64(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace

std::optional<ExecProtocol> ChooseExecProtocol(const std::string& header) {
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    std::string p = Trim(header.substr(start, comma == std::string::npos ? std::string::npos
                                                                         : comma - start));
    if (p == "v5.channel.k8s.io") return ExecProtocol::kV5;
    if (p == "v4.channel.k8s.io") return ExecProtocol::kV4;
    if (p == "channel.k8s.io") return ExecProtocol::kV1;
    if (p == "base64.channel.k8s.io") return ExecProtocol::kBase64V1;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return std::nullopt;
}

std::string ExecProtocolName(ExecProtocol p) {
  switch (p) {
    case ExecProtocol::kV1: return "channel.k8s.io";
    case ExecProtocol::kBase64V1: return "base64.channel.k8s.io";
    case ExecProtocol::kV4: return "v4.channel.k8s.io";
    case ExecProtocol::kV5: return "v5.channel.k8s.io";
  }
  return "";
}

bool UsesTextFrames(ExecProtocol p) { return p == ExecProtocol::kBase64V1; }

std::string EncodeChannelMessage(ExecProtocol p, uint8_t channel, const std::string& data) {
  if (p == ExecProtocol::kBase64V1) return std::string(1, static_cast<char>('0' + channel)) + Base64(data);
  return std::string(1, static_cast<char>(channel)) + data;
}

std::optional<ChannelMessage> DecodeChannelMessage(ExecProtocol p, const std::string& payload) {
  if (payload.empty()) return std::nullopt;
  ChannelMessage m;
  if (p == ExecProtocol::kBase64V1) {
    if (payload[0] < '0' || payload[0] > '9') return std::nullopt;
    m.channel = static_cast<uint8_t>(payload[0] - '0');
    m.data = Base64Decode(std::string_view(payload).substr(1));
  } else {
    m.channel = static_cast<uint8_t>(payload[0]);
    m.data = payload.substr(1);
  }
  return m;
}

}  // namespace berth::agent

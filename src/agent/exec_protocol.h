// The WebSocket subprotocols of the exec channel stream (what the kubelet speaks at /exec):
//   channel.k8s.io         v1: binary frames, first byte = channel (0 stdin, 1 stdout, 2 stderr,
//                          3 error: the failure message as text, nothing on success)
//   base64.channel.k8s.io  v1 in text frames: first byte = channel as an ASCII digit, then base64
//   v4.channel.k8s.io      binary; channel 3 carries a metav1.Status (Success too), 4 = resize
//   v5.channel.k8s.io      v4 plus channel 255 [0] = close stdin
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace berth::agent {

enum class ExecProtocol { kV1, kBase64V1, kV4, kV5 };

// The first protocol in the client's Sec-WebSocket-Protocol list (comma-separated, in the
// client's order of preference) that is supported; nullopt if none.
std::optional<ExecProtocol> ChooseExecProtocol(const std::string& header);
std::string ExecProtocolName(ExecProtocol p);

struct ChannelMessage {
  uint8_t channel = 0;
  std::string data;
};

// The frame payload for `data` on `channel`, and whether it goes in a text frame (base64).
std::string EncodeChannelMessage(ExecProtocol p, uint8_t channel, const std::string& data);
bool UsesTextFrames(ExecProtocol p);
// Decodes a received frame payload; nullopt for an empty or malformed one.
std::optional<ChannelMessage> DecodeChannelMessage(ExecProtocol p, const std::string& payload);

}  // namespace berth::agent

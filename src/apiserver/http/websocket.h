// Minimal RFC 6455 framing for the exec endpoints (kubectl's v5.channel.k8s.io): the handshake
// key, server frames (unmasked) and a parser for client frames (masked or not, fragmented
// messages reassembled). Pure functions and a value type; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace berth::apiserver::ws {

enum Opcode : uint8_t { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

// base64(sha1(key + GUID)) for Sec-WebSocket-Accept.
std::string AcceptKey(const std::string& client_key);
// One unmasked frame with FIN set.
std::string Frame(Opcode op, const std::string& payload);
// A masked frame, as a client sends it.
std::string MaskedFrame(Opcode op, const std::string& payload);

struct Message {
  Opcode op;
  std::string payload;
};

class Parser {
 public:
  void Feed(const char* data, size_t n) { buf_.append(data, n); }
  // The next complete message (control frames are returned as they come), or nullopt. Sets
  // error() for a frame larger than 16 MiB.
  std::optional<Message> Next();
  bool error() const { return error_; }

 private:
  std::string buf_;
  std::string partial_;
  Opcode partial_op_ = kBinary;
  bool error_ = false;
};

}  // namespace berth::apiserver::ws

#include "apiserver/http/websocket.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace berth::apiserver::ws {

std::string AcceptKey(const std::string& client_key) {
  std::string in = client_key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest);
  unsigned char out[64];
  int n = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<char*>(out), static_cast<size_t>(n));
}

static std::string Header(Opcode op, size_t len, bool masked) {
  std::string h;
  h += static_cast<char>(0x80 | op);
  uint8_t mask_bit = masked ? 0x80 : 0;
  if (len < 126) {
    h += static_cast<char>(mask_bit | len);
  } else if (len <= 0xFFFF) {
    h += static_cast<char>(mask_bit | 126);
    h += static_cast<char>((len >> 8) & 0xFF);
    h += static_cast<char>(len & 0xFF);
  } else {
    h += static_cast<char>(mask_bit | 127);
    for (int i = 7; i >= 0; --i) h += static_cast<char>((static_cast<uint64_t>(len) >> (8 * i)) & 0xFF);
  }
  return h;
}

std::string Frame(Opcode op, const std::string& payload) {
  return Header(op, payload.size(), false) + payload;
}

std::string MaskedFrame(Opcode op, const std::string& payload) {
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  std::string f = Header(op, payload.size(), true);
  f.append(key, 4);
  for (size_t i = 0; i < payload.size(); ++i) f += static_cast<char>(payload[i] ^ key[i % 4]);
  return f;
}

std::optional<Message> Parser::Next() {
  while (true) {
    if (buf_.size() < 2) return std::nullopt;
    auto b0 = static_cast<uint8_t>(buf_[0]);
    auto b1 = static_cast<uint8_t>(buf_[1]);
    bool fin = b0 & 0x80;
    auto op = static_cast<Opcode>(b0 & 0x0F);
    bool masked = b1 & 0x80;
    uint64_t len = b1 & 0x7F;
    size_t pos = 2;
    if (len == 126) {
      if (buf_.size() < 4) return std::nullopt;
      len = (static_cast<uint64_t>(static_cast<uint8_t>(buf_[2])) << 8) | static_cast<uint8_t>(buf_[3]);
      pos = 4;
    } else if (len == 127) {
      if (buf_.size() < 10) return std::nullopt;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<uint8_t>(buf_[2 + static_cast<size_t>(i)]);
      pos = 10;
    }
    if (len > (16u << 20)) {
      error_ = true;
      return std::nullopt;
    }
    size_t need = pos + (masked ? 4 : 0) + static_cast<size_t>(len);
    if (buf_.size() < need) return std::nullopt;
    std::string payload = buf_.substr(pos + (masked ? 4 : 0), static_cast<size_t>(len));
    if (masked)
      for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(payload[i] ^ buf_[pos + i % 4]);
    buf_.erase(0, need);
    if (op >= kClose) return Message{op, std::move(payload)};  // control frames are never fragmented
    if (op != kContinuation) partial_op_ = op;
    partial_ += payload;
    if (!fin) continue;
    Message m{partial_op_, std::move(partial_)};
    partial_.clear();
    return m;
  }
}

}  // namespace berth::apiserver::ws

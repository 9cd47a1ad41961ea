// Test-only helpers that build protobuf wire bytes by hand, so decoder tests
// can state exactly which bytes they feed in.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace berth::api::protobuf::testing {

inline std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}

inline std::string Key(int field, int wire_type) {
  return Varint((static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire_type));
}

// Field with a varint value (int64 two's complement for negatives).
inline std::string VarintField(int field, int64_t v) {
  return Key(field, 0) + Varint(static_cast<uint64_t>(v));
}

inline std::string BytesField(int field, std::string_view bytes) {
  return Key(field, 2) + Varint(bytes.size()) + std::string(bytes);
}

inline std::string DoubleField(int field, double d) {
  uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof bits);
  std::string out = Key(field, 1);
  for (int i = 0; i < 8; ++i) out += static_cast<char>((bits >> (8 * i)) & 0xff);
  return out;
}

inline std::string Fixed32Field(int field, uint32_t v) {
  std::string out = Key(field, 5);
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

// A map<string, V> entry whose value bytes are already encoded (including key).
inline std::string MapEntry(int field, std::string_view key, std::string_view encoded_value) {
  return BytesField(field, BytesField(1, key) + std::string(encoded_value));
}

// A whole body: magic + runtime.Unknown{typeMeta, raw}.
inline std::string Body(std::string_view api_version, std::string_view kind,
                        std::string_view raw) {
  const std::string type_meta = BytesField(1, api_version) + BytesField(2, kind);
  return std::string("k8s\0", 4) + BytesField(1, type_meta) + BytesField(2, raw) +
         BytesField(3, "") + BytesField(4, "");
}

}  // namespace berth::api::protobuf::testing

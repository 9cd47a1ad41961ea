#include "api/protobuf/wire_reader.h"

namespace berth::api::protobuf {

bool WireReader::ReadVarint(uint64_t* out) {
  uint64_t result = 0;
  for (int i = 0; i < 10; ++i) {
    if (pos_ >= data_.size()) return false;
    const auto byte = static_cast<uint8_t>(data_[pos_++]);
    // The tenth byte may only contribute the top bit of a 64-bit value.
    if (i == 9 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *out = result;
      return true;
    }
  }
  return false;
}

bool WireReader::ReadKey(int* field_number, WireType* wire_type) {
  uint64_t key = 0;
  if (!ReadVarint(&key)) return false;
  const uint64_t number = key >> 3;
  if (number == 0 || number > (1u << 29) - 1) return false;
  *field_number = static_cast<int>(number);
  *wire_type = static_cast<WireType>(key & 7);
  return true;
}

bool WireReader::ReadFixed32(uint32_t* out) {
  if (data_.size() - pos_ < 4) return false;
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
  pos_ += 4;
  *out = v;
  return true;
}

bool WireReader::ReadFixed64(uint64_t* out) {
  if (data_.size() - pos_ < 8) return false;
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
  pos_ += 8;
  *out = v;
  return true;
}

bool WireReader::ReadLengthDelimited(std::string_view* out) {
  uint64_t len = 0;
  if (!ReadVarint(&len)) return false;
  if (len > data_.size() - pos_) return false;
  *out = data_.substr(pos_, static_cast<size_t>(len));
  pos_ += static_cast<size_t>(len);
  return true;
}

bool WireReader::Skip(WireType wire_type) {
  switch (wire_type) {
    case WireType::kVarint: {
      uint64_t ignored = 0;
      return ReadVarint(&ignored);
    }
    case WireType::kFixed64: {
      uint64_t ignored = 0;
      return ReadFixed64(&ignored);
    }
    case WireType::kLengthDelimited: {
      std::string_view ignored;
      return ReadLengthDelimited(&ignored);
    }
    case WireType::kFixed32: {
      uint32_t ignored = 0;
      return ReadFixed32(&ignored);
    }
    default:
      return false;
  }
}

}  // namespace berth::api::protobuf

// WireReader: a bounds-checked cursor over protobuf wire-format bytes.
//
// It knows only the wire encoding (varints, fixed 32/64-bit words,
// length-delimited blobs, tags) and nothing about schemas. Every read checks
// the remaining length first; on malformed input a read returns false and the
// cursor position is unspecified, so callers stop decoding at the first false.
// A WireReader does not own its bytes: the viewed buffer must outlive it.
// Not thread-safe (it is a cursor); cheap to copy.
#pragma once

#include <cstdint>
#include <string_view>

namespace berth::api::protobuf {

// Protobuf wire types (the low 3 bits of a field key).
enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,  // deprecated groups: not supported, treated as malformed
  kEndGroup = 4,
  kFixed32 = 5,
};

class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : data_(bytes) {}

  bool AtEnd() const { return pos_ >= data_.size(); }
  size_t position() const { return pos_; }

  // A field key: field number (>= 1) and wire type. False on a truncated or
  // over-long varint, field number 0, or a field number above 2^29-1.
  bool ReadKey(int* field_number, WireType* wire_type);
  // A base-128 varint of at most 10 bytes.
  bool ReadVarint(uint64_t* out);
  bool ReadFixed32(uint32_t* out);
  bool ReadFixed64(uint64_t* out);
  // A varint length followed by that many bytes; `out` views into the buffer.
  bool ReadLengthDelimited(std::string_view* out);
  // Skips one value of the given wire type (0, 1, 2 or 5). Groups are rejected.
  bool Skip(WireType wire_type);

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace berth::api::protobuf

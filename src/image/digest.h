// SHA-256 content digests ("sha256:<hex>") over memory and files, via OpenSSL EVP.
//
// Thread-safety: a Sha256 object is single-threaded; the free functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

struct evp_md_ctx_st;

namespace berth::image {

// Incremental hashing.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  // "sha256:<hex>". Call once.
  std::string Finish();

 private:
  evp_md_ctx_st* ctx_;
};

std::string DigestOf(std::string_view data);
// Digest and size of a file. InternalError when it cannot be read.
StatusOr<std::string> DigestOfFile(const std::string& path, int64_t* size = nullptr);
// The hex part of "sha256:<hex>".
inline std::string DigestHex(const std::string& digest) {
  return digest.size() > 7 ? digest.substr(7) : digest;
}

}  // namespace berth::image

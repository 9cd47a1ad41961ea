#include "image/digest.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstring>

namespace berth::image {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_, data, size); }

std::string Sha256::Finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string DigestOf(std::string_view data) {
  Sha256 h;
  h.Update(data.data(), data.size());
  return h.Finish();
}

StatusOr<std::string> DigestOfFile(const std::string& path, int64_t* size) {
  FILE* f = std::fopen(path.c_str(), "rbe");
  if (f == nullptr) return InternalError("open " + path + ": " + std::strerror(errno));
  Sha256 h;
  char buf[1 << 16];
  int64_t total = 0;
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    h.Update(buf, n);
    total += static_cast<int64_t>(n);
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return InternalError("read " + path + " failed");
  if (size != nullptr) *size = total;
  return h.Finish();
}

}  // namespace berth::image

// A unique temporary directory for one test, removed with its contents on
// destruction.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace berth::store::testing {

class StoreTempDir {
 public:
  StoreTempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "berth-store-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~StoreTempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  StoreTempDir(const StoreTempDir&) = delete;
  StoreTempDir& operator=(const StoreTempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace berth::store::testing

// Helpers shared by the image store tests: scratch directories and the test-image script.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/subprocess.h"

namespace berth::image::testing {

// A fresh directory, removed with everything below it on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/berth-image-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline std::string RepoRoot() {
  // tests/image/image_test_support.h -> repository root
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().string();
}

inline std::string MakeTestImageScript() { return RepoRoot() + "/scripts/make-test-image"; }

inline void WriteFile(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << data;
}

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs argv, failing the current test (and returning false) on a non-zero exit.
inline bool RunOk(const std::vector<std::string>& argv) {
  auto r = RunChecked(argv);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok();
}

}  // namespace berth::image::testing

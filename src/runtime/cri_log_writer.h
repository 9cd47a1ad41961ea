// CriLogWriter: writes a container's output in the CRI log format the kubelet uses,
//   <RFC3339Nano UTC> <stdout|stderr> <F|P> <text>\n
// one line per output line; a line longer than 16 KiB is split into P(artial) records ending with
// an F(ull) one. The file is rotated by size: path -> path.1 -> ... -> path.<max_files>.
// Not thread-safe: one writer per file, owned by the shim's single thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace berth::runtime {

class CriLogWriter {
 public:
  static constexpr size_t kMaxLine = 16 * 1024;

  CriLogWriter(std::string path, int64_t max_bytes, int max_files);
  ~CriLogWriter();
  CriLogWriter(const CriLogWriter&) = delete;
  CriLogWriter& operator=(const CriLogWriter&) = delete;

  // Appends raw output bytes of one stream ("stdout" or "stderr"); complete lines are written.
  void Append(const std::string& stream, std::string_view data);
  // Writes any buffered unterminated line of `stream` as a final P (partial) record (on EOF).
  void Flush(const std::string& stream);

 private:
  void WriteRecord(const std::string& stream, bool partial, std::string_view text);
  void Open();
  void RotateIfNeeded();

  std::string path_;
  int64_t max_bytes_;
  int max_files_;
  int fd_ = -1;
  int64_t size_ = 0;
  std::string pending_out_;
  std::string pending_err_;
};

// "2026-11-28T04:14:49.123456789Z".
std::string FormatRfc3339Nano(std::chrono::system_clock::time_point t);

}  // namespace berth::runtime

#include "runtime/cri_log_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace berth::runtime {

std::string FormatRfc3339Nano(std::chrono::system_clock::time_point t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  time_t secs = static_cast<time_t>(ns / 1000000000);
  long frac = static_cast<long>(ns % 1000000000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

CriLogWriter::CriLogWriter(std::string path, int64_t max_bytes, int max_files)
    : path_(std::move(path)), max_bytes_(max_bytes), max_files_(max_files) {
  Open();
}

CriLogWriter::~CriLogWriter() {
  Flush("stdout");
  Flush("stderr");
  if (fd_ >= 0) close(fd_);
}

void CriLogWriter::Open() {
  if (path_.empty()) return;
  fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  struct stat st;
  size_ = (fd_ >= 0 && fstat(fd_, &st) == 0) ? st.st_size : 0;
}

void CriLogWriter::RotateIfNeeded() {
  if (max_bytes_ <= 0 || size_ < max_bytes_ || path_.empty()) return;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (max_files_ <= 0) {
    unlink(path_.c_str());
  } else {
    unlink((path_ + "." + std::to_string(max_files_)).c_str());
    for (int i = max_files_ - 1; i >= 1; --i)
      rename((path_ + "." + std::to_string(i)).c_str(),
             (path_ + "." + std::to_string(i + 1)).c_str());
    rename(path_.c_str(), (path_ + ".1").c_str());
  }
  Open();
}

void CriLogWriter::WriteRecord(const std::string& stream, bool partial, std::string_view text) {
  if (fd_ < 0) return;
  std::string line = FormatRfc3339Nano(std::chrono::system_clock::now());
  line += ' ';
  line += stream;
  line += partial ? " P " : " F ";
  line.append(text);
  line += '\n';
  size_t off = 0;
  while (off < line.size()) {
    ssize_t w = write(fd_, line.data() + off, line.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    off += static_cast<size_t>(w);
  }
  size_ += static_cast<int64_t>(line.size());
  RotateIfNeeded();
}

void CriLogWriter::Append(const std::string& stream, std::string_view data) {
  std::string& pending = stream == "stderr" ? pending_err_ : pending_out_;
  pending.append(data);
  size_t start = 0;
  while (true) {
    size_t nl = pending.find('\n', start);
    if (nl == std::string::npos) break;
    // Long lines become P records of kMaxLine bytes followed by the F remainder.
    while (nl - start > kMaxLine) {
      WriteRecord(stream, true, std::string_view(pending).substr(start, kMaxLine));
      start += kMaxLine;
    }
    WriteRecord(stream, false, std::string_view(pending).substr(start, nl - start));
    start = nl + 1;
  }
  while (pending.size() - start > kMaxLine) {
    WriteRecord(stream, true, std::string_view(pending).substr(start, kMaxLine));
    start += kMaxLine;
  }
  pending.erase(0, start);
}

void CriLogWriter::Flush(const std::string& stream) {
  std::string& pending = stream == "stderr" ? pending_err_ : pending_out_;
  if (pending.empty()) return;
  // An unterminated last line stays partial (P), as containerd writes it, so readers do not
  // add a newline the container never wrote (termination messages from the log tail).
  WriteRecord(stream, true, pending);
  pending.clear();
}

}  // namespace berth::runtime

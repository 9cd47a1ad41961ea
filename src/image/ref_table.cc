#include "image/ref_table.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/json.h"

namespace berth::image {

void RefTable::Remember() const {
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0) return;
  seen_ino_ = st.st_ino;
  seen_mtime_ns_ = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

Status RefTable::ReloadIfChanged() {
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0) return Status::Ok();
  int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  if (st.st_ino == seen_ino_ && mtime == seen_mtime_ns_) return Status::Ok();
  return Load();
}

Status RefTable::Load() {
  entries_.clear();
  Remember();
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Status::Ok();
  std::ostringstream ss;
  ss << in.rdbuf();
  auto doc = ParseJson(ss.str());
  if (!doc.ok()) return InternalError(path_ + " is corrupt: " + doc.status().message());
  const json::value* refs = GetPath(*doc, {"refs"});
  if (refs == nullptr || !refs->is_object()) return Status::Ok();
  for (const auto& [name, v] : refs->as_object()) {
    entries_[std::string(name)] = {GetString(v, {"config"}), GetString(v, {"manifest"}),
                                   GetString(v, {"repoDigest"})};
  }
  return Status::Ok();
}

Status RefTable::Save() const {
  json::object refs;
  for (const auto& [name, e] : entries_) {
    refs[name] = json::object{
        {"config", e.config_digest}, {"manifest", e.manifest_digest}, {"repoDigest", e.repo_digest}};
  }
  std::string text = ToJson(json::object{{"refs", std::move(refs)}});
  std::string tmp = path_ + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return InternalError("write " + tmp + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      close(fd);
      return InternalError("write " + tmp + ": " + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  bool synced = fsync(fd) == 0;
  close(fd);
  if (!synced || std::rename(tmp.c_str(), path_.c_str()) != 0) {
    return InternalError("save " + path_ + ": " + std::strerror(errno));
  }
  Remember();
  return Status::Ok();
}

}  // namespace berth::image

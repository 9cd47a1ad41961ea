#include "apiserver/tls/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace berth::apiserver::tls {
namespace {

Status SysError(const std::string& what, const std::string& path) {
  return InternalError(what + " " + path + ": " + std::strerror(errno));
}

std::string ParentDir(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode) {
  std::string tmpl = path + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  // mkstemp creates the file 0600, so a secret is never briefly world-readable.
  int fd = ::mkstemp(name.data());
  if (fd < 0) return SysError("create temporary file for", path);
  std::string tmp(name.data());
  auto fail = [&](const std::string& what) {
    Status s = SysError(what, tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  };
  if (::fchmod(fd, mode) != 0) return fail("chmod");
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("fsync");
  if (::close(fd) != 0) {
    Status s = SysError("close", tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = SysError("rename onto", path);
    ::unlink(tmp.c_str());
    return s;
  }
  // Persist the rename itself; failure to open the folder is not fatal.
  int dir = ::open(ParentDir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

StatusOr<std::string> ReadWholeFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status(Reason::kNotFound, "file " + path + " does not exist");
    return SysError("stat", path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return SysError("open", path);
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return SysError("read", path);
  return out.str();
}

}  // namespace berth::apiserver::tls

#include "image/archive_path.h"

#include <sys/stat.h>

#include <cerrno>

namespace berth::image {

StatusOr<std::string> CleanEntryPath(const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string comp = name.substr(start, end - start);
    if (comp == "..") return BadRequest("archive entry \"" + name + "\" escapes its directory");
    if (!comp.empty() && comp != ".") {
      if (!out.empty()) out += '/';
      out += comp;
    }
    start = end + 1;
  }
  return out;
}

Status CheckNoSymlinkParents(const std::string& dir, const std::string& rel) {
  std::string path = dir;
  size_t start = 0;
  while (true) {
    size_t end = rel.find('/', start);
    if (end == std::string::npos) break;  // the last component itself is not checked
    path += "/" + rel.substr(start, end - start);
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return Status::Ok();  // created later as a plain directory
      return InternalError("stat " + path + " failed");
    }
    if (!S_ISDIR(st.st_mode)) {
      return BadRequest("archive entry \"" + rel + "\" goes through a non-directory");
    }
    start = end + 1;
  }
  return Status::Ok();
}

}  // namespace berth::image

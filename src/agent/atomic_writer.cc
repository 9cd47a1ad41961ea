#include "agent/atomic_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace berth::agent {
namespace fs = std::filesystem;
namespace {

constexpr char kDataLink[] = "..data";
constexpr char kDataTmpLink[] = "..data_tmp";

struct OnDisk {
  std::string data;
  int mode;
  gid_t gid;
};

int FinalMode(int mode, std::optional<int64_t> fs_group) {
  mode &= 07777;
  return fs_group ? (mode | 0440) : mode;
}

std::string FirstComponent(const std::string& path) { return path.substr(0, path.find('/')); }

// The regular files under `root` (relative paths), or nullopt when it cannot be read.
std::optional<std::map<std::string, OnDisk>> ReadTree(const fs::path& root) {
  std::map<std::string, OnDisk> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    struct stat st;
    if (lstat(it->path().c_str(), &st) != 0) return std::nullopt;
    if (!S_ISREG(st.st_mode)) continue;
    std::ifstream f(it->path(), std::ios::binary);
    if (!f) return std::nullopt;
    std::stringstream ss;
    ss << f.rdbuf();
    out[fs::relative(it->path(), root).string()] =
        OnDisk{ss.str(), static_cast<int>(st.st_mode & 07777), st.st_gid};
  }
  if (ec) return std::nullopt;
  return out;
}

bool Matches(const std::map<std::string, OnDisk>& disk, const Payload& payload,
             std::optional<int64_t> fs_group) {
  if (disk.size() != payload.size()) return false;
  for (const auto& [path, want] : payload) {
    auto it = disk.find(fs::path(path).lexically_normal().string());
    if (it == disk.end() || it->second.data != want.data ||
        it->second.mode != FinalMode(want.mode, fs_group))
      return false;
    if (fs_group && it->second.gid != static_cast<gid_t>(*fs_group)) return false;
  }
  return true;
}

Status SetDirOwnership(const fs::path& d, std::optional<int64_t> fs_group) {
  mode_t mode = 0755;
  if (fs_group) {
    if (chown(d.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(*fs_group)) != 0)
      return InternalError("chown " + d.string() + ": " + strerror(errno));
    mode |= S_ISGID;
  }
  if (chmod(d.c_str(), mode) != 0) return InternalError("chmod " + d.string() + ": " + strerror(errno));
  return Status::Ok();
}

Status WriteOne(const fs::path& root, const std::string& rel, const FileProjection& f,
                std::optional<int64_t> fs_group) {
  fs::path path = root / rel;
  // Parent directories below the payload root, each with the payload's ownership.
  fs::path parent = fs::path(rel).parent_path();
  fs::path cur = root;
  for (const auto& part : parent) {
    cur /= part;
    if (mkdir(cur.c_str(), 0755) == 0) {
      BERTH_RETURN_IF_ERROR(SetDirOwnership(cur, fs_group));
    } else if (errno != EEXIST) {
      return InternalError("mkdir " + cur.string() + ": " + strerror(errno));
    }
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return InternalError("create " + path.string() + ": " + strerror(errno));
  size_t off = 0;
  while (off < f.data.size()) {
    ssize_t n = write(fd, f.data.data() + off, f.data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      return InternalError("write " + path.string() + ": " + strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  bool ok = true;
  if (fs_group) ok = fchown(fd, static_cast<uid_t>(-1), static_cast<gid_t>(*fs_group)) == 0;
  // fchmod after fchown: chown clears setuid/setgid bits.
  ok = ok && fchmod(fd, static_cast<mode_t>(FinalMode(f.mode, fs_group))) == 0;
  if (close(fd) != 0) ok = false;
  if (!ok) return InternalError("chmod/chown " + path.string() + ": " + strerror(errno));
  return Status::Ok();
}

std::string TimestampPrefix() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "..%Y_%m_%d_%H_%M_%S.", &tm);
  return buf;
}

}  // namespace

Status ValidatePayloadPath(const std::string& path) {
  if (path.empty()) return BadRequest("invalid path: must not be empty");
  if (path.front() == '/') return BadRequest("invalid path " + path + ": must be relative");
  if (path.size() > 4096) return BadRequest("invalid path: too long");
  for (const auto& part : fs::path(path))
    if (part == "..") return BadRequest("invalid path " + path + ": must not contain '..'");
  if (FirstComponent(path).rfind("..", 0) == 0)
    return BadRequest("invalid path " + path + ": must not start with '..'");
  return Status::Ok();
}

StatusOr<bool> WriteAtomic(const std::string& dir_str, const Payload& payload,
                           std::optional<int64_t> fs_group) {
  for (const auto& [path, f] : payload) BERTH_RETURN_IF_ERROR(ValidatePayloadPath(path));
  fs::path dir(dir_str);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InternalError("mkdir " + dir_str + ": " + ec.message());

  // The payload currently published, if any.
  std::string old_name;
  {
    char buf[512];
    ssize_t n = readlink((dir / kDataLink).c_str(), buf, sizeof buf - 1);
    if (n > 0) old_name.assign(buf, static_cast<size_t>(n));
  }
  std::set<std::string> top;
  for (const auto& [path, f] : payload) top.insert(FirstComponent(path));
  if (!old_name.empty()) {
    auto disk = ReadTree(dir / old_name);
    bool links_ok = true;
    for (const auto& t : top) links_ok = links_ok && fs::is_symlink(dir / t, ec);
    if (disk && links_ok && Matches(*disk, payload, fs_group)) return false;
  }

  // 1. The new payload in its own directory.
  std::string tmpl = (dir / (TimestampPrefix() + "XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) return InternalError("mkdtemp in " + dir_str + ": " + strerror(errno));
  fs::path fresh(tmpl);
  Status s = SetDirOwnership(fresh, fs_group);
  for (auto it = payload.begin(); s.ok() && it != payload.end(); ++it)
    s = WriteOne(fresh, it->first, it->second, fs_group);
  if (!s.ok()) {
    fs::remove_all(fresh, ec);
    return s;
  }
  // 2. Swap ..data in one rename.
  fs::remove(dir / kDataTmpLink, ec);
  if (symlink(fresh.filename().c_str(), (dir / kDataTmpLink).c_str()) != 0 ||
      rename((dir / kDataTmpLink).c_str(), (dir / kDataLink).c_str()) != 0) {
    std::string err = strerror(errno);
    fs::remove_all(fresh, ec);
    return InternalError("publishing " + dir_str + ": " + err);
  }
  // 3. User-visible links for the new paths; entries of old paths go away.
  for (const auto& t : top) {
    fs::path link = dir / t;
    std::string want = std::string(kDataLink) + "/" + t;
    char buf[512];
    ssize_t n = readlink(link.c_str(), buf, sizeof buf - 1);
    if (n > 0 && std::string(buf, static_cast<size_t>(n)) == want) continue;
    fs::remove_all(link, ec);
    if (symlink(want.c_str(), link.c_str()) != 0)
      return InternalError("symlink " + link.string() + ": " + strerror(errno));
  }
  // 4. Old payload directories (normally one; more after an interrupted write).
  std::vector<fs::path> stale;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::end(it); it.increment(ec)) {
    std::string name = it->path().filename().string();
    bool reserved = name.rfind("..", 0) == 0;
    if ((!reserved && !top.count(name)) ||
        (reserved && name != kDataLink && name != fresh.filename().string()))
      stale.push_back(it->path());
  }
  for (const auto& p : stale) fs::remove_all(p, ec);
  return true;
}

}  // namespace berth::agent

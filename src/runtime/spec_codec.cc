#include "runtime/spec_codec.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace berth::runtime {
namespace {

json::object EncodeMap(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

std::map<std::string, std::string> DecodeMap(const json::value* v) {
  std::map<std::string, std::string> m;
  if (!v || !v->is_object()) return m;
  for (const auto& [k, val] : v->as_object())
    if (val.is_string()) m[std::string(k)] = std::string(val.as_string());
  return m;
}

json::array EncodeStrings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::vector<std::string> DecodeStrings(const json::value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->as_array())
    if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}

bool GetBool(const json::object& o, const char* key, bool fallback) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() ? v->as_bool() : fallback;
}

}  // namespace

json::object EncodeContainerSpec(const ContainerSpec& s) {
  json::object o;
  o["id"] = s.id;
  o["sandbox_id"] = s.sandbox_id;
  o["name"] = s.name;
  o["labels"] = EncodeMap(s.labels);
  o["annotations"] = EncodeMap(s.annotations);
  o["rootfs_layers"] = EncodeStrings(s.rootfs_layers);
  o["args"] = EncodeStrings(s.args);
  o["env"] = EncodeStrings(s.env);
  o["working_dir"] = s.working_dir;
  o["image_user"] = s.image_user;
  o["resources"] = json::object{{"cpu_shares", s.resources.cpu_shares},
                                {"cpu_quota_us", s.resources.cpu_quota_us},
                                {"cpu_period_us", s.resources.cpu_period_us},
                                {"memory_limit_bytes", s.resources.memory_limit_bytes}};
  json::object sec;
  if (s.security.run_as_user) sec["run_as_user"] = *s.security.run_as_user;
  if (s.security.run_as_group) sec["run_as_group"] = *s.security.run_as_group;
  json::array groups;
  for (int64_t g : s.security.supplemental_groups) groups.emplace_back(g);
  sec["supplemental_groups"] = std::move(groups);
  sec["privileged"] = s.security.privileged;
  sec["read_only_rootfs"] = s.security.read_only_rootfs;
  sec["no_new_privileges"] = s.security.no_new_privileges;
  sec["add_capabilities"] = EncodeStrings(s.security.add_capabilities);
  sec["drop_capabilities"] = EncodeStrings(s.security.drop_capabilities);
  sec["seccomp_default"] = s.security.seccomp_default;
  if (!s.security.sysctls.empty()) sec["sysctls"] = EncodeMap(s.security.sysctls);
  o["security"] = std::move(sec);
  json::array mounts;
  for (const auto& m : s.mounts)
    mounts.emplace_back(json::object{{"destination", m.destination},
                                     {"source", m.source},
                                     {"type", m.type},
                                     {"read_only", m.read_only}});
  o["mounts"] = std::move(mounts);
  o["log_path"] = s.log_path;
  o["log_max_bytes"] = s.log_max_bytes;
  o["log_max_files"] = s.log_max_files;
  o["tty"] = s.tty;
  o["stdin_open"] = s.stdin_open;
  return o;
}

StatusOr<ContainerSpec> DecodeContainerSpec(const json::value& v) {
  if (!v.is_object()) return InternalError("container spec: not an object");
  const json::object& o = v.as_object();
  ContainerSpec s;
  s.id = GetString(o, {"id"});
  s.sandbox_id = GetString(o, {"sandbox_id"});
  s.name = GetString(o, {"name"});
  s.labels = DecodeMap(o.if_contains("labels"));
  s.annotations = DecodeMap(o.if_contains("annotations"));
  s.rootfs_layers = DecodeStrings(o.if_contains("rootfs_layers"));
  s.args = DecodeStrings(o.if_contains("args"));
  s.env = DecodeStrings(o.if_contains("env"));
  s.working_dir = GetString(o, {"working_dir"});
  s.image_user = GetString(o, {"image_user"});
  s.resources.cpu_shares = GetInt(o, {"resources", "cpu_shares"});
  s.resources.cpu_quota_us = GetInt(o, {"resources", "cpu_quota_us"});
  s.resources.cpu_period_us = GetInt(o, {"resources", "cpu_period_us"}, 100000);
  s.resources.memory_limit_bytes = GetInt(o, {"resources", "memory_limit_bytes"});
  if (const json::value* sv = o.if_contains("security"); sv && sv->is_object()) {
    const json::object& sec = sv->as_object();
    if (sec.contains("run_as_user")) s.security.run_as_user = GetInt(sec, {"run_as_user"});
    if (sec.contains("run_as_group")) s.security.run_as_group = GetInt(sec, {"run_as_group"});
    if (const json::value* g = sec.if_contains("supplemental_groups"); g && g->is_array())
      for (const auto& e : g->as_array())
        if (e.is_int64()) s.security.supplemental_groups.push_back(e.as_int64());
    s.security.privileged = GetBool(sec, "privileged", false);
    s.security.read_only_rootfs = GetBool(sec, "read_only_rootfs", false);
    s.security.no_new_privileges = GetBool(sec, "no_new_privileges", false);
    s.security.add_capabilities = DecodeStrings(sec.if_contains("add_capabilities"));
    s.security.drop_capabilities = DecodeStrings(sec.if_contains("drop_capabilities"));
    s.security.seccomp_default = GetBool(sec, "seccomp_default", true);
    s.security.sysctls = DecodeMap(sec.if_contains("sysctls"));
  }
  if (const json::value* mv = o.if_contains("mounts"); mv && mv->is_array()) {
    for (const auto& e : mv->as_array()) {
      if (!e.is_object()) continue;
      const json::object& m = e.as_object();
      Mount mount;
      mount.destination = GetString(m, {"destination"});
      mount.source = GetString(m, {"source"});
      mount.type = GetString(m, {"type"}, "bind");
      mount.read_only = GetBool(m, "read_only", false);
      s.mounts.push_back(std::move(mount));
    }
  }
  s.log_path = GetString(o, {"log_path"});
  s.log_max_bytes = GetInt(o, {"log_max_bytes"}, 10 << 20);
  s.log_max_files = static_cast<int>(GetInt(o, {"log_max_files"}, 3));
  s.tty = GetBool(o, "tty", false);
  s.stdin_open = GetBool(o, "stdin_open", false);
  return s;
}

json::object EncodeSandboxSpec(const SandboxSpec& s) {
  json::object o;
  o["id"] = s.id;
  o["hostname"] = s.hostname;
  o["netns_path"] = s.netns_path;
  o["hosts_file"] = s.hosts_file;
  o["resolv_conf"] = s.resolv_conf;
  o["labels"] = EncodeMap(s.labels);
  return o;
}

StatusOr<SandboxSpec> DecodeSandboxSpec(const json::value& v) {
  if (!v.is_object()) return InternalError("sandbox spec: not an object");
  const json::object& o = v.as_object();
  SandboxSpec s;
  s.id = GetString(o, {"id"});
  s.hostname = GetString(o, {"hostname"});
  s.netns_path = GetString(o, {"netns_path"});
  s.hosts_file = GetString(o, {"hosts_file"});
  s.resolv_conf = GetString(o, {"resolv_conf"});
  s.labels = DecodeMap(o.if_contains("labels"));
  return s;
}

StatusOr<std::string> ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("files", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteFileAtomic(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return InternalError("open " + tmp + ": " + strerror(errno));
  size_t off = 0;
  while (off < content.size()) {
    ssize_t w = write(fd, content.data() + off, content.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      unlink(tmp.c_str());
      return InternalError("write " + tmp + ": " + strerror(e));
    }
    off += static_cast<size_t>(w);
  }
  fsync(fd);
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    return InternalError("rename " + path + ": " + strerror(e));
  }
  return Status::Ok();
}

int64_t ToUnixNanos(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

Clock::time_point FromUnixNanos(int64_t ns) {
  return Clock::time_point(
      std::chrono::duration_cast<Clock::time_point::duration>(std::chrono::nanoseconds(ns)));
}

}  // namespace berth::runtime

#include "agent/volumes.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "agent/service_account_tokens.h"
#include "api/validation/quantity.h"
#include "common/base64.h"

namespace berth::agent {
namespace fs = std::filesystem;
namespace {

bool Optional(const json::object& src) {
  const auto* o = src.if_contains("optional");
  return o && o->is_bool() && o->as_bool();
}

int ModeOr(const json::object& o, const char* key, int fallback) {
  const auto* m = o.if_contains(key);
  return m && m->is_int64() ? static_cast<int>(m->as_int64()) : fallback;
}

std::optional<int64_t> FsGroup(const json::object& pod) {
  const auto* g = GetPath(pod, {"spec", "securityContext", "fsGroup"});
  if (g && g->is_int64()) return g->as_int64();
  return std::nullopt;
}

// The keys of a ConfigMap/Secret (all, or `items`) as files. `resource` is "configmaps" or
// "secrets"; `source` carries the object's name under `name`.
Status AddKeys(Payload& out, const json::object& source, const std::string& resource,
               const ObjectLookup& lookup, int default_mode) {
  const bool secret = resource == "secrets";
  std::string name = GetString(source, {"name"});
  auto obj = lookup(resource, name);
  if (!obj.ok()) {
    if (obj.status().reason() != Reason::kNotFound) return obj.status();
    if (Optional(source)) return Status::Ok();
    return Status(Reason::kNotFound,
                  std::string(secret ? "secret \"" : "configmap \"") + name + "\" not found");
  }
  std::map<std::string, std::string> data;
  for (const char* field : {"data", "binaryData"}) {
    if (const auto* d = GetPath(obj->as_object(), {field}); d && d->is_object())
      for (const auto& [k, v] : d->as_object())
        if (v.is_string())
          data[std::string(k)] = (secret || std::string(field) == "binaryData")
                                     ? Base64Decode(std::string(v.as_string()))
                                     : std::string(v.as_string());
  }
  const auto* items = source.if_contains("items");
  if (items && items->is_array() && !items->as_array().empty()) {
    for (const auto& it : items->as_array()) {
      if (!it.is_object()) continue;
      std::string key = GetString(it.as_object(), {"key"});
      auto found = data.find(key);
      if (found == data.end()) {
        if (Optional(source)) continue;
        return Status(Reason::kNotFound,
                      secret ? "secret references non-existent secret key: " + key
                             : "configmap references non-existent config key: " + key);
      }
      out[GetString(it.as_object(), {"path"})] =
          FileProjection{found->second, ModeOr(it.as_object(), "mode", default_mode)};
    }
  } else {
    for (const auto& [k, v] : data) out[k] = FileProjection{v, default_mode};
  }
  return Status::Ok();
}

Status AddDownward(Payload& out, const json::array& items, const json::object& pod,
                   const VolumeInputs& in, int default_mode) {
  for (const auto& it : items) {
    if (!it.is_object()) continue;
    const auto& o = it.as_object();
    std::string value;
    if (const auto* fr = o.if_contains("fieldRef"); fr && fr->is_object()) {
      auto v = FieldRefValue(pod, GetString(fr->as_object(), {"fieldPath"}), in.pod_ip, in.host_ip);
      if (!v.ok()) return v.status();
      value = *v;
      if (!value.empty() && value.back() == '\n') value.pop_back();
    } else if (const auto* rf = o.if_contains("resourceFieldRef"); rf && rf->is_object()) {
      std::string cname = GetString(rf->as_object(), {"containerName"});
      const json::object* target = nullptr;
      for (const char* list : {"containers", "initContainers"})
        if (const auto* cs = GetPath(pod, {"spec", list}); cs && cs->is_array() && !target)
          for (const auto& c : cs->as_array())
            if (c.is_object() && (cname.empty() || GetString(c.as_object(), {"name"}) == cname)) {
              target = &c.as_object();
              break;
            }
      if (!target) return BadRequest("resourceFieldRef: no container " + cname);
      std::pair<int64_t, int64_t> node{0, 0};
      if (in.node_allocatable) node = in.node_allocatable();
      auto v = ResourceFieldValue(*target, GetString(rf->as_object(), {"resource"}),
                                  GetString(rf->as_object(), {"divisor"}), node.first, node.second);
      if (!v.ok()) return v.status();
      value = *v;
    }
    out[GetString(o, {"path"})] = FileProjection{value, ModeOr(o, "mode", default_mode)};
  }
  return Status::Ok();
}

// The pod's service account token (serviceAccountToken projection) as the file `path`.
Status AddServiceAccountToken(Payload& out, const json::object& src, const json::object& pod,
                              const VolumeInputs& in, int mode) {
  if (!in.create) return BadRequest("serviceAccountToken: no API client");
  auto token = ServiceAccountTokens::Shared().Get(pod, src, in.create,
                                                  std::chrono::system_clock::now());
  if (!token.ok()) return token.status();
  out[GetString(src, {"path"})] = FileProjection{*token, mode};
  return Status::Ok();
}

bool IsContentVolume(const json::object& vol) {
  for (const char* k : {"configMap", "secret", "downwardAPI", "projected"})
    if (const auto* s = vol.if_contains(k); s && s->is_object()) return true;
  return false;
}

bool IsMountPoint(const fs::path& dir) {
  struct stat self, parent;
  if (stat(dir.c_str(), &self) != 0 || stat(dir.parent_path().c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev;
}

Status PrepareEmptyDir(const fs::path& dir, const json::object& ed, std::optional<int64_t> fs_group,
                       bool memory) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InternalError("mkdir " + dir.string() + ": " + ec.message());
  if (memory && !IsMountPoint(dir)) {
    std::string opts = "mode=0777";
    std::string limit = GetString(ed, {"sizeLimit"});
    if (!limit.empty())
      if (auto q = api::validation::ParseQuantity(limit); q && q->Value() > 0)
        opts += ",size=" + std::to_string(q->Value());
    if (mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) != 0)
      return InternalError("mounting tmpfs on " + dir.string() + ": " + strerror(errno));
  }
  mode_t mode = 0777;
  if (fs_group) {
    if (chown(dir.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(*fs_group)) != 0)
      return InternalError("chown " + dir.string() + ": " + strerror(errno));
    mode |= S_ISGID;
  }
  chmod(dir.c_str(), mode);
  return Status::Ok();
}

}  // namespace

StatusOr<Payload> VolumePayload(const json::object& vol, const json::object& pod,
                                const VolumeInputs& in) {
  Payload out;
  if (const auto* cm = vol.if_contains("configMap"); cm && cm->is_object()) {
    BERTH_RETURN_IF_ERROR(AddKeys(out, cm->as_object(), "configmaps", in.lookup,
                                  ModeOr(cm->as_object(), "defaultMode", 0644)));
  } else if (const auto* sec = vol.if_contains("secret"); sec && sec->is_object()) {
    json::object src = sec->as_object();
    src["name"] = GetString(src, {"secretName"});
    BERTH_RETURN_IF_ERROR(
        AddKeys(out, src, "secrets", in.lookup, ModeOr(src, "defaultMode", 0644)));
  } else if (const auto* da = vol.if_contains("downwardAPI"); da && da->is_object()) {
    if (const auto* items = da->as_object().if_contains("items"); items && items->is_array())
      BERTH_RETURN_IF_ERROR(AddDownward(out, items->as_array(), pod, in,
                                        ModeOr(da->as_object(), "defaultMode", 0644)));
  } else if (const auto* pr = vol.if_contains("projected"); pr && pr->is_object()) {
    int mode = ModeOr(pr->as_object(), "defaultMode", 0644);
    if (const auto* srcs = pr->as_object().if_contains("sources"); srcs && srcs->is_array()) {
      for (const auto& s : srcs->as_array()) {
        if (!s.is_object()) continue;
        const auto& so = s.as_object();
        if (const auto* c = so.if_contains("configMap"); c && c->is_object())
          BERTH_RETURN_IF_ERROR(AddKeys(out, c->as_object(), "configmaps", in.lookup, mode));
        if (const auto* c = so.if_contains("secret"); c && c->is_object())
          BERTH_RETURN_IF_ERROR(AddKeys(out, c->as_object(), "secrets", in.lookup, mode));
        if (const auto* c = so.if_contains("downwardAPI"); c && c->is_object())
          if (const auto* items = c->as_object().if_contains("items"); items && items->is_array())
            BERTH_RETURN_IF_ERROR(AddDownward(out, items->as_array(), pod, in, mode));
        if (const auto* c = so.if_contains("serviceAccountToken"); c && c->is_object())
          BERTH_RETURN_IF_ERROR(AddServiceAccountToken(out, c->as_object(), pod, in, mode));
      }
    }
  } else {
    return BadRequest("volume " + GetString(vol, {"name"}) + " has no projected content");
  }
  for (const auto& [path, f] : out) BERTH_RETURN_IF_ERROR(ValidatePayloadPath(path));
  return out;
}

StatusOr<std::map<std::string, PreparedVolume>> PrepareVolumes(const json::object& pod,
                                                              const std::string& pod_dir,
                                                              const VolumeInputs& in) {
  std::map<std::string, PreparedVolume> out;
  const auto* vols = GetPath(pod, {"spec", "volumes"});
  if (!vols || !vols->is_array()) return out;
  auto fs_group = FsGroup(pod);
  for (const auto& v : vols->as_array()) {
    if (!v.is_object()) continue;
    const auto& vol = v.as_object();
    std::string name = GetString(vol, {"name"});
    fs::path dir = fs::path(pod_dir) / "volumes" / name;
    PreparedVolume pv;
    pv.host_path = dir.string();
    std::error_code ec;
    if (const auto* ed = vol.if_contains("emptyDir"); ed) {
      json::object edo = ed->is_object() ? ed->as_object() : json::object();
      pv.tmpfs = GetString(edo, {"medium"}) == "Memory";
      BERTH_RETURN_IF_ERROR(PrepareEmptyDir(dir, edo, fs_group, pv.tmpfs));
    } else if (const auto* hp = vol.if_contains("hostPath"); hp && hp->is_object()) {
      pv.host_path = GetString(hp->as_object(), {"path"});
      std::string type = GetString(hp->as_object(), {"type"});
      if (type == "DirectoryOrCreate") fs::create_directories(pv.host_path, ec);
      else if (type == "FileOrCreate" && !fs::exists(pv.host_path)) {
        fs::create_directories(fs::path(pv.host_path).parent_path(), ec);
        std::ofstream(pv.host_path).close();
      } else if ((type == "Directory" && !fs::is_directory(pv.host_path)) ||
                 (type == "File" && !fs::is_regular_file(pv.host_path))) {
        return BadRequest("hostPath type check failed: " + pv.host_path + " is not a " + type);
      }
    } else if (IsContentVolume(vol)) {
      auto payload = VolumePayload(vol, pod, in);
      if (!payload.ok()) return payload.status();
      auto wrote = WriteAtomic(dir.string(), *payload, fs_group);
      if (!wrote.ok()) return wrote.status();
      if (fs_group) {
        if (chown(dir.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(*fs_group)) != 0)
          return InternalError("chown " + dir.string() + ": " + strerror(errno));
        chmod(dir.c_str(), 0755 | S_ISGID);
      }
      pv.read_only = true;
    } else {
      // Unsupported volume types (persistent volumes arrive later) get an empty dir so the pod
      // still starts.
      fs::create_directories(dir, ec);
    }
    out[name] = pv;
  }
  return out;
}

Status RefreshVolumes(const json::object& pod, const std::string& pod_dir, const VolumeInputs& in) {
  const auto* vols = GetPath(pod, {"spec", "volumes"});
  if (!vols || !vols->is_array()) return Status::Ok();
  auto fs_group = FsGroup(pod);
  Status first;
  for (const auto& v : vols->as_array()) {
    if (!v.is_object() || !IsContentVolume(v.as_object())) continue;
    const auto& vol = v.as_object();
    auto payload = VolumePayload(vol, pod, in);
    if (!payload.ok()) {
      // A required source that went away keeps the last content.
      if (payload.status().reason() != Reason::kNotFound && first.ok()) first = payload.status();
      continue;
    }
    auto wrote = WriteAtomic((fs::path(pod_dir) / "volumes" / GetString(vol, {"name"})).string(),
                             *payload, fs_group);
    if (!wrote.ok() && first.ok()) first = wrote.status();
  }
  return first;
}

bool HasContentVolumes(const json::object& pod, int* api_sources) {
  int api = 0;
  bool any = false;
  if (const auto* vols = GetPath(pod, {"spec", "volumes"}); vols && vols->is_array())
    for (const auto& v : vols->as_array()) {
      if (!v.is_object() || !IsContentVolume(v.as_object())) continue;
      any = true;
      const auto& vol = v.as_object();
      if (vol.contains("configMap") || vol.contains("secret")) api++;
      if (const auto* srcs = GetPath(vol, {"projected", "sources"}); srcs && srcs->is_array())
        for (const auto& s : srcs->as_array())
          if (s.is_object() && (s.as_object().contains("configMap") || s.as_object().contains("secret")))
            api++;
    }
  if (api_sources) *api_sources = api;
  return any;
}

void UnmountVolumes(const std::string& pod_dir) {
  std::string prefix = (fs::path(pod_dir) / "volumes").string() + "/";
  std::ifstream mi("/proc/self/mountinfo");
  std::vector<std::string> targets;
  std::string line;
  while (std::getline(mi, line)) {
    std::istringstream ss(line);
    std::string id, parent, devno, root, target;
    ss >> id >> parent >> devno >> root >> target;
    // mountinfo escapes spaces and the like as \ooo; pod paths have none.
    if (target.rfind(prefix, 0) == 0) targets.push_back(target);
  }
  // Deepest first.
  std::sort(targets.begin(), targets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& t : targets) umount2(t.c_str(), MNT_DETACH);
}

StatusOr<std::vector<runtime::Mount>> ContainerMounts(
    const json::object& container, const std::map<std::string, PreparedVolume>& volumes,
    const std::vector<std::string>& env) {
  std::vector<runtime::Mount> out;
  const auto* vms = container.if_contains("volumeMounts");
  if (!vms || !vms->is_array()) return out;
  for (const auto& v : vms->as_array()) {
    if (!v.is_object()) continue;
    const auto& vm = v.as_object();
    std::string name = GetString(vm, {"name"});
    auto it = volumes.find(name);
    if (it == volumes.end()) return BadRequest("volume \"" + name + "\" not found");
    runtime::Mount m;
    m.destination = GetString(vm, {"mountPath"});
    m.source = it->second.host_path;
    std::string sub = GetString(vm, {"subPath"});
    std::string sub_expr = GetString(vm, {"subPathExpr"});
    if (!sub_expr.empty()) sub = ExpandVars(sub_expr, env);
    if (!sub.empty()) {
      bool dotdot = false;
      for (const auto& part : fs::path(sub)) dotdot = dotdot || part == "..";
      if (dotdot || sub.front() == '/') return BadRequest("invalid subPath " + sub);
      fs::path p = fs::path(m.source) / sub;
      std::error_code ec;
      if (!fs::exists(p, ec)) fs::create_directories(p, ec);
      // The subPath may pass through the volume's own links (..data); the target must stay in it.
      fs::path real = fs::canonical(p, ec);
      fs::path base = fs::canonical(m.source, ec);
      auto rel = real.lexically_relative(base);
      if (real.empty() || base.empty() || rel.empty() || *rel.begin() == "..")
        return BadRequest("subPath " + sub + " is outside the volume " + name);
      m.source = real.string();
    }
    const auto* ro = vm.if_contains("readOnly");
    m.read_only = it->second.read_only || (ro && ro->is_bool() && ro->as_bool());
    out.push_back(m);
  }
  return out;
}

}  // namespace berth::agent

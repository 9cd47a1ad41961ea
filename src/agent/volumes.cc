#include "agent/volumes.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/base64.h"

namespace berth::agent {
namespace fs = std::filesystem;
namespace {

Status WriteFile(const fs::path& path, const std::string& content, int mode) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return InternalError("cannot write " + path.string());
  f << content;
  f.close();
  chmod(path.c_str(), static_cast<mode_t>(mode));
  return Status::Ok();
}

bool Optional(const json::object& src) {
  const auto* o = src.if_contains("optional");
  return o && o->is_bool() && o->as_bool();
}

int ModeOr(const json::object& o, const char* key, int fallback) {
  const auto* m = o.if_contains(key);
  return m && m->is_int64() ? static_cast<int>(m->as_int64()) : fallback;
}

// Writes the keys of a ConfigMap/Secret (all, or `items`) into `dir`.
Status WriteKeys(const fs::path& dir, const json::object& source, const std::string& resource,
                 const ObjectLookup& lookup, int default_mode) {
  std::string name = GetString(source, {"name"});
  auto obj = lookup(resource, name);
  if (!obj.ok()) {
    if (obj.status().reason() == Reason::kNotFound) {
      if (Optional(source)) return Status::Ok();
      return Status(Reason::kNotFound,
                    (resource == "configmaps" ? "configmap \"" : "secret \"") + name + "\" not found");
    }
    return obj.status();
  }
  std::map<std::string, std::string> data;
  for (const char* field : {"data", "binaryData"}) {
    if (const auto* d = GetPath(obj->as_object(), {field}); d && d->is_object())
      for (const auto& [k, v] : d->as_object())
        if (v.is_string())
          data[std::string(k)] = (resource == "secrets" || std::string(field) == "binaryData")
                                     ? Base64Decode(std::string(v.as_string()))
                                     : std::string(v.as_string());
  }
  const auto* items = source.if_contains("items");
  if (items && items->is_array() && !items->as_array().empty()) {
    for (const auto& it : items->as_array()) {
      if (!it.is_object()) continue;
      std::string key = GetString(it.as_object(), {"key"});
      std::string path = GetString(it.as_object(), {"path"});
      auto found = data.find(key);
      if (found == data.end()) {
        if (Optional(source)) continue;
        return Status(Reason::kNotFound, "configmap references non-existent config key: " + key);
      }
      BERTH_RETURN_IF_ERROR(
          WriteFile(dir / path, found->second, ModeOr(it.as_object(), "mode", default_mode)));
    }
  } else {
    for (const auto& [k, v] : data) BERTH_RETURN_IF_ERROR(WriteFile(dir / k, v, default_mode));
  }
  return Status::Ok();
}

Status WriteDownward(const fs::path& dir, const json::array& items, const json::object& pod,
                     const std::string& pod_ip, const std::string& host_ip, int default_mode) {
  for (const auto& it : items) {
    if (!it.is_object()) continue;
    const auto& o = it.as_object();
    std::string path = GetString(o, {"path"});
    std::string value;
    if (const auto* fr = o.if_contains("fieldRef"); fr && fr->is_object()) {
      auto v = FieldRefValue(pod, GetString(fr->as_object(), {"fieldPath"}), pod_ip, host_ip);
      if (!v.ok()) return v.status();
      value = *v;
      if (!value.empty() && value.back() == '\n') value.pop_back();
    } else if (const auto* rf = o.if_contains("resourceFieldRef"); rf && rf->is_object()) {
      std::string cname = GetString(rf->as_object(), {"containerName"});
      const json::object* target = nullptr;
      if (const auto* cs = GetPath(pod, {"spec", "containers"}); cs && cs->is_array())
        for (const auto& c : cs->as_array())
          if (c.is_object() && (cname.empty() || GetString(c.as_object(), {"name"}) == cname)) {
            target = &c.as_object();
            break;
          }
      if (!target) return BadRequest("resourceFieldRef: no container " + cname);
      auto v = ResourceFieldValue(*target, GetString(rf->as_object(), {"resource"}),
                                  GetString(rf->as_object(), {"divisor"}), 0, 0);
      if (!v.ok()) return v.status();
      value = *v;
    }
    BERTH_RETURN_IF_ERROR(WriteFile(dir / path, value, ModeOr(o, "mode", default_mode)));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::map<std::string, PreparedVolume>> PrepareVolumes(const json::object& pod,
                                                              const std::string& pod_dir,
                                                              const ObjectLookup& lookup,
                                                              const std::string& pod_ip,
                                                              const std::string& host_ip) {
  std::map<std::string, PreparedVolume> out;
  const auto* vols = GetPath(pod, {"spec", "volumes"});
  if (!vols || !vols->is_array()) return out;
  for (const auto& v : vols->as_array()) {
    if (!v.is_object()) continue;
    const auto& vol = v.as_object();
    std::string name = GetString(vol, {"name"});
    fs::path dir = fs::path(pod_dir) / "volumes" / name;
    PreparedVolume pv;
    pv.host_path = dir.string();
    std::error_code ec;
    if (const auto* ed = vol.if_contains("emptyDir"); ed) {
      fs::create_directories(dir, ec);
      chmod(dir.c_str(), 0777);
      if (ed->is_object() && GetString(ed->as_object(), {"medium"}) == "Memory") pv.tmpfs = true;
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
    } else if (const auto* cm = vol.if_contains("configMap"); cm && cm->is_object()) {
      fs::create_directories(dir, ec);
      BERTH_RETURN_IF_ERROR(WriteKeys(dir, cm->as_object(), "configmaps", lookup,
                                      ModeOr(cm->as_object(), "defaultMode", 0644)));
      pv.read_only = true;
    } else if (const auto* sec = vol.if_contains("secret"); sec && sec->is_object()) {
      fs::create_directories(dir, ec);
      json::object src = sec->as_object();
      src["name"] = GetString(src, {"secretName"});
      BERTH_RETURN_IF_ERROR(
          WriteKeys(dir, src, "secrets", lookup, ModeOr(src, "defaultMode", 0644)));
      pv.read_only = true;
    } else if (const auto* da = vol.if_contains("downwardAPI"); da && da->is_object()) {
      fs::create_directories(dir, ec);
      if (const auto* items = da->as_object().if_contains("items"); items && items->is_array())
        BERTH_RETURN_IF_ERROR(WriteDownward(dir, items->as_array(), pod, pod_ip, host_ip,
                                            ModeOr(da->as_object(), "defaultMode", 0644)));
      pv.read_only = true;
    } else if (const auto* pr = vol.if_contains("projected"); pr && pr->is_object()) {
      fs::create_directories(dir, ec);
      int mode = ModeOr(pr->as_object(), "defaultMode", 0644);
      if (const auto* srcs = pr->as_object().if_contains("sources"); srcs && srcs->is_array()) {
        for (const auto& s : srcs->as_array()) {
          if (!s.is_object()) continue;
          const auto& so = s.as_object();
          if (const auto* c = so.if_contains("configMap"); c && c->is_object())
            BERTH_RETURN_IF_ERROR(WriteKeys(dir, c->as_object(), "configmaps", lookup, mode));
          if (const auto* c = so.if_contains("secret"); c && c->is_object())
            BERTH_RETURN_IF_ERROR(WriteKeys(dir, c->as_object(), "secrets", lookup, mode));
          if (const auto* c = so.if_contains("downwardAPI"); c && c->is_object())
            if (const auto* items = c->as_object().if_contains("items"); items && items->is_array())
              BERTH_RETURN_IF_ERROR(
                  WriteDownward(dir, items->as_array(), pod, pod_ip, host_ip, mode));
        }
      }
      pv.read_only = true;
    } else {
      // Unsupported volume types (persistent volumes arrive later) get an empty dir so the pod
      // still starts; the kind is named in the agent's log.
      fs::create_directories(dir, ec);
    }
    out[name] = pv;
  }
  return out;
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
      if (sub.find("..") != std::string::npos || sub.front() == '/')
        return BadRequest("invalid subPath " + sub);
      fs::path p = fs::path(m.source) / sub;
      std::error_code ec;
      if (!fs::exists(p)) fs::create_directories(p, ec);
      m.source = p.string();
    } else if (it->second.tmpfs) {
      m.type = "tmpfs";
      m.source = "tmpfs";
    }
    const auto* ro = vm.if_contains("readOnly");
    m.read_only = it->second.read_only || (ro && ro->is_bool() && ro->as_bool());
    out.push_back(m);
  }
  return out;
}

}  // namespace berth::agent

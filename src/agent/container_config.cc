#include "agent/container_config.h"

#include <map>

#include "api/validation/quantity.h"
#include "common/base64.h"

namespace berth::agent {
namespace {

std::string EnvName(const std::string& kv) { return kv.substr(0, kv.find('=')); }

void SetEnv(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  for (auto& kv : env) {
    if (EnvName(kv) == name) {
      kv = name + "=" + value;
      return;
    }
  }
  env.push_back(name + "=" + value);
}

std::vector<std::string> StringList(const json::object& o, const char* key) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(key); v && v->is_array())
    for (const auto& s : v->as_array())
      if (s.is_string()) out.emplace_back(s.as_string());
  return out;
}

StatusOr<std::string> KeyFrom(const ObjectLookup& lookup, const std::string& resource,
                              const json::object& ref) {
  std::string name = GetString(ref, {"name"});
  std::string key = GetString(ref, {"key"});
  bool optional = false;
  if (const auto* o = ref.if_contains("optional"); o && o->is_bool()) optional = o->as_bool();
  std::string singular = resource == "configmaps" ? "configmap" : "secret";
  auto obj = lookup(resource, name);
  if (!obj.ok()) {
    if (optional && obj.status().reason() == Reason::kNotFound) return std::string();
    if (obj.status().reason() == Reason::kNotFound)
      return Status(Reason::kNotFound, singular + " \"" + name + "\" not found");
    return obj.status();
  }
  const auto& o = obj->as_object();
  if (const auto* data = GetPath(o, {"data", key}); data && data->is_string()) {
    std::string v(data->as_string());
    if (resource == "secrets") return Base64Decode(v);  // Secret data is base64
    return v;
  }
  if (const auto* bin = GetPath(o, {"binaryData", key}); bin && bin->is_string())
    return std::string(bin->as_string());
  if (optional) return std::string();
  return Status(Reason::kNotFound,
                "couldn't find key " + key + " in " + (resource == "configmaps" ? "ConfigMap" : "Secret") +
                    " " + GetString(o, {"metadata", "namespace"}) + "/" + name);
}

}  // namespace

std::string ExpandVars(const std::string& in, const std::vector<std::string>& env) {
  std::string out;
  for (size_t i = 0; i < in.size();) {
    if (in[i] == '$' && i + 1 < in.size() && in[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (in[i] == '$' && i + 1 < in.size() && in[i + 1] == '(') {
      size_t close = in.find(')', i + 2);
      if (close != std::string::npos) {
        std::string name = in.substr(i + 2, close - i - 2);
        bool found = false;
        for (const auto& kv : env) {
          if (EnvName(kv) == name) {
            out += kv.substr(name.size() + 1);
            found = true;
            break;
          }
        }
        if (!found) out += in.substr(i, close - i + 1);
        i = close + 1;
        continue;
      }
    }
    out += in[i++];
  }
  return out;
}

std::vector<std::string> ResolveArgs(const json::object& container, const image::ImageConfig& image,
                                     const std::vector<std::string>& env) {
  std::vector<std::string> command = StringList(container, "command");
  std::vector<std::string> args = StringList(container, "args");
  std::vector<std::string> argv;
  if (!command.empty()) {
    argv = command;
    argv.insert(argv.end(), args.begin(), args.end());
  } else {
    argv = image.entrypoint;
    if (!args.empty()) argv.insert(argv.end(), args.begin(), args.end());
    else argv.insert(argv.end(), image.cmd.begin(), image.cmd.end());
  }
  // Only the pod's own command/args are expanded; the image's are taken literally.
  size_t image_prefix = command.empty() ? image.entrypoint.size() : 0;
  for (size_t i = image_prefix; i < argv.size(); ++i) {
    if (command.empty() && args.empty()) break;
    argv[i] = ExpandVars(argv[i], env);
  }
  return argv;
}

StatusOr<std::string> FieldRefValue(const json::object& pod, const std::string& path,
                                    const std::string& pod_ip, const std::string& host_ip) {
  auto quoted_key = [&](const std::string& prefix) -> std::optional<std::string> {
    if (path.rfind(prefix + "['", 0) != 0 || path.size() < prefix.size() + 4) return std::nullopt;
    return path.substr(prefix.size() + 2, path.size() - prefix.size() - 4);
  };
  if (path == "metadata.name") return GetString(pod, {"metadata", "name"});
  if (path == "metadata.namespace") return GetString(pod, {"metadata", "namespace"});
  if (path == "metadata.uid") return GetString(pod, {"metadata", "uid"});
  if (path == "spec.nodeName") return GetString(pod, {"spec", "nodeName"});
  if (path == "spec.serviceAccountName") return GetString(pod, {"spec", "serviceAccountName"});
  if (path == "status.podIP" || path == "status.podIPs") return pod_ip;
  if (path == "status.hostIP" || path == "status.hostIPs") return host_ip;
  for (const char* m : {"metadata.labels", "metadata.annotations"}) {
    std::string field = std::string(m).substr(9);
    if (auto key = quoted_key(m)) return GetString(pod, {"metadata", field, *key});
    if (path == m) {
      std::string out;
      if (const auto* map = GetPath(pod, {"metadata", field}); map && map->is_object()) {
        std::map<std::string, std::string> sorted;
        for (const auto& [k, v] : map->as_object())
          if (v.is_string()) sorted[std::string(k)] = std::string(v.as_string());
        for (const auto& [k, v] : sorted) out += k + "=\"" + v + "\"\n";
      }
      return out;
    }
  }
  return BadRequest("unsupported fieldRef path " + path);
}

StatusOr<std::string> ResourceFieldValue(const json::object& container, const std::string& resource,
                                         const std::string& divisor, int64_t node_cpu_millis,
                                         int64_t node_memory_bytes) {
  bool is_cpu = resource.find("cpu") != std::string::npos;
  std::string kind = resource.substr(0, resource.find('.'));  // limits / requests
  std::string name = resource.substr(resource.find('.') + 1);
  std::string q = GetString(container, {"resources", kind, name});
  long double value;  // cpu in millicores, memory in bytes
  if (q.empty()) {
    value = is_cpu ? static_cast<long double>(node_cpu_millis)
                   : static_cast<long double>(node_memory_bytes);
    if (kind == "requests") value = 0;
  } else {
    auto parsed = api::validation::ParseQuantity(q);
    if (!parsed) return BadRequest("invalid quantity " + q);
    value = is_cpu ? static_cast<long double>(parsed->MilliValue())
                   : static_cast<long double>(parsed->Value());
  }
  long double div = 1;
  if (!divisor.empty()) {
    auto d = api::validation::ParseQuantity(divisor);
    if (!d || d->value == 0) return BadRequest("invalid divisor " + divisor);
    div = is_cpu ? static_cast<long double>(d->MilliValue()) : static_cast<long double>(d->Value());
    if (div == 0) div = 1;
  } else if (is_cpu) {
    div = 1000;
  }
  // Kubernetes rounds up.
  long double r = value / div;
  int64_t out = static_cast<int64_t>(r);
  if (static_cast<long double>(out) < r) out++;
  return std::to_string(out);
}

StatusOr<std::vector<std::string>> ResolveEnv(const json::object& pod, const json::object& container,
                                              const image::ImageConfig& image,
                                              const ObjectLookup& lookup, const std::string& pod_ip,
                                              const std::string& host_ip,
                                              const NodeAllocatable& node) {
  std::vector<std::string> env = image.env;
  if (const auto* from = container.if_contains("envFrom"); from && from->is_array()) {
    for (const auto& src : from->as_array()) {
      if (!src.is_object()) continue;
      const auto& s = src.as_object();
      std::string prefix = GetString(s, {"prefix"});
      for (const char* kind : {"configMapRef", "secretRef"}) {
        const auto* ref = s.if_contains(kind);
        if (!ref || !ref->is_object()) continue;
        std::string resource = std::string(kind) == "configMapRef" ? "configmaps" : "secrets";
        std::string name = GetString(ref->as_object(), {"name"});
        bool optional = false;
        if (const auto* o = ref->as_object().if_contains("optional"); o && o->is_bool())
          optional = o->as_bool();
        auto obj = lookup(resource, name);
        if (!obj.ok()) {
          if (optional && obj.status().reason() == Reason::kNotFound) continue;
          if (obj.status().reason() == Reason::kNotFound)
            return Status(Reason::kNotFound, (resource == "configmaps" ? "configmap \"" : "secret \"") +
                                                 name + "\" not found");
          return obj.status();
        }
        if (const auto* data = GetPath(obj->as_object(), {"data"}); data && data->is_object()) {
          for (const auto& [k, v] : data->as_object()) {
            if (!v.is_string()) continue;
            json::object keyref{{"name", name}, {"key", std::string(k)}};
            auto value = KeyFrom(lookup, resource, keyref);
            if (!value.ok()) return value.status();
            SetEnv(env, prefix + std::string(k), *value);
          }
        }
      }
    }
  }
  std::vector<std::string> own;  // the container's own env, for $(VAR) expansion order
  if (const auto* list = container.if_contains("env"); list && list->is_array()) {
    for (const auto& item : list->as_array()) {
      if (!item.is_object()) continue;
      const auto& e = item.as_object();
      std::string name = GetString(e, {"name"});
      std::string value;
      if (const auto* v = e.if_contains("value"); v && v->is_string()) {
        value = ExpandVars(std::string(v->as_string()), env);
      } else if (const auto* vf = e.if_contains("valueFrom"); vf && vf->is_object()) {
        const auto& f = vf->as_object();
        StatusOr<std::string> got = std::string();
        if (const auto* r = f.if_contains("configMapKeyRef"); r && r->is_object())
          got = KeyFrom(lookup, "configmaps", r->as_object());
        else if (const auto* r = f.if_contains("secretKeyRef"); r && r->is_object())
          got = KeyFrom(lookup, "secrets", r->as_object());
        else if (const auto* r = f.if_contains("fieldRef"); r && r->is_object())
          got = FieldRefValue(pod, GetString(r->as_object(), {"fieldPath"}), pod_ip, host_ip);
        else if (const auto* r = f.if_contains("resourceFieldRef"); r && r->is_object()) {
          std::string cname = GetString(r->as_object(), {"containerName"});
          const json::object* target = &container;
          if (!cname.empty()) {
            if (const auto* cs = GetPath(pod, {"spec", "containers"}); cs && cs->is_array())
              for (const auto& c : cs->as_array())
                if (c.is_object() && GetString(c.as_object(), {"name"}) == cname)
                  target = &c.as_object();
          }
          got = ResourceFieldValue(*target, GetString(r->as_object(), {"resource"}),
                                   GetString(r->as_object(), {"divisor"}), node.cpu_millis,
                                   node.memory_bytes);
        }
        if (!got.ok()) return got.status();
        value = *got;
      }
      SetEnv(env, name, value);
    }
  }
  return env;
}

runtime::Resources ResolveResources(const json::object& container) {
  runtime::Resources r;
  auto milli = [&](const char* kind, const char* name) -> int64_t {
    std::string q = GetString(container, {"resources", kind, name});
    if (q.empty()) return -1;
    auto parsed = api::validation::ParseQuantity(q);
    return parsed ? (std::string(name) == "cpu" ? parsed->MilliValue() : parsed->Value()) : -1;
  };
  int64_t req_cpu = milli("requests", "cpu");
  int64_t lim_cpu = milli("limits", "cpu");
  if (req_cpu < 0) req_cpu = lim_cpu;
  if (req_cpu >= 0) r.cpu_shares = std::max<int64_t>(2, req_cpu * 1024 / 1000);
  if (lim_cpu > 0) r.cpu_quota_us = std::max<int64_t>(1000, lim_cpu * r.cpu_period_us / 1000);
  int64_t lim_mem = milli("limits", "memory");
  if (lim_mem > 0) r.memory_limit_bytes = lim_mem;
  return r;
}

bool IsSafeSysctl(const std::string& name) {
  static const char* const kSafe[] = {
      "kernel.shm_rmid_forced",
      "net.ipv4.ip_local_port_range",
      "net.ipv4.ip_local_reserved_ports",
      "net.ipv4.ip_unprivileged_port_start",
      "net.ipv4.ping_group_range",
      "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes",
      "net.ipv4.tcp_keepalive_time",
      "net.ipv4.tcp_rmem",
      "net.ipv4.tcp_syncookies",
      "net.ipv4.tcp_wmem",
  };
  for (const char* s : kSafe)
    if (name == s) return true;
  return false;
}

std::string SysctlDotted(const std::string& name) {
  size_t sep = name.find_first_of("./");
  if (sep == std::string::npos || name[sep] == '.') return name;
  std::string out = name;
  for (char& ch : out) ch = ch == '/' ? '.' : ch == '.' ? '/' : ch;
  return out;
}

StatusOr<runtime::Security> ResolveSecurity(const json::object& pod_spec,
                                            const json::object& container) {
  runtime::Security s;
  const json::value* psc = pod_spec.if_contains("securityContext");
  const json::value* csc = container.if_contains("securityContext");
  auto int_field = [&](const char* name) -> std::optional<int64_t> {
    for (const json::value* sc : {csc, psc}) {
      if (sc && sc->is_object())
        if (const auto* v = sc->as_object().if_contains(name); v && v->is_int64()) return v->as_int64();
    }
    return std::nullopt;
  };
  auto bool_field = [&](const json::value* sc, const char* name) -> std::optional<bool> {
    if (sc && sc->is_object())
      if (const auto* v = sc->as_object().if_contains(name); v && v->is_bool()) return v->as_bool();
    return std::nullopt;
  };
  s.run_as_user = int_field("runAsUser");
  s.run_as_group = int_field("runAsGroup");
  if (psc && psc->is_object()) {
    if (const auto* g = psc->as_object().if_contains("supplementalGroups"); g && g->is_array())
      for (const auto& v : g->as_array())
        if (v.is_int64()) s.supplemental_groups.push_back(v.as_int64());
    if (auto fs = psc->as_object().if_contains("fsGroup"); fs && fs->is_int64())
      s.supplemental_groups.push_back(fs->as_int64());
  }
  s.privileged = bool_field(csc, "privileged").value_or(false);
  s.read_only_rootfs = bool_field(csc, "readOnlyRootFilesystem").value_or(false);
  auto ape = bool_field(csc, "allowPrivilegeEscalation");
  s.no_new_privileges = ape.has_value() && !*ape;
  if (csc && csc->is_object()) {
    const auto& c = csc->as_object();
    if (const auto* caps = c.if_contains("capabilities"); caps && caps->is_object()) {
      s.add_capabilities = StringList(caps->as_object(), "add");
      s.drop_capabilities = StringList(caps->as_object(), "drop");
    }
    std::string prof = GetString(c, {"seccompProfile", "type"});
    if (prof == "Unconfined") s.seccomp_default = false;
  }
  if (psc && psc->is_object() && GetString(psc->as_object(), {"seccompProfile", "type"}) == "Unconfined")
    s.seccomp_default = false;
  if (psc && psc->is_object()) {
    if (const auto* list = psc->as_object().if_contains("sysctls"); list && list->is_array())
      for (const auto& item : list->as_array()) {
        if (!item.is_object()) continue;
        std::string name = SysctlDotted(GetString(item.as_object(), {"name"}));
        if (!IsSafeSysctl(name))
          return BadRequest("forbidden sysctl: \"" + name + "\" not allowlisted");
        s.sysctls[name] = GetString(item.as_object(), {"value"});
      }
  }
  std::optional<bool> non_root = bool_field(csc, "runAsNonRoot");
  if (!non_root) non_root = bool_field(psc, "runAsNonRoot");
  if (non_root.value_or(false) && s.run_as_user && *s.run_as_user == 0)
    return BadRequest("container's runAsUser breaks non-root policy (pod: \"" +
                      GetString(container, {"name"}) + "\", container: " +
                      GetString(container, {"name"}) + ")");
  return s;
}

}  // namespace berth::agent

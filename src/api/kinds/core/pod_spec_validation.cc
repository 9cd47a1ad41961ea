// PodSpec validation with Kubernetes' field paths and wording
// (pkg/apis/core/validation ValidatePodSpec, trimmed to what berth enforces).
#include <set>

#include "api/kinds/core/field_errors.h"
#include "api/kinds/core/security_context_validation.h"
#include "api/kinds/kinds.h"
#include "api/validation/names.h"
#include "api/validation/quantity.h"

namespace berth::api {

using namespace core;  // NOLINT(build/namespaces)

namespace {

std::string Idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

const char* kQuantityFormat =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

// Validates an integer field that must be >= min when present.
void CheckMin(std::vector<Cause>& out, const json::object& o, const char* key,
              const std::string& path, int64_t min) {
  int64_t v;
  if (!HasInt(o, key, &v) || v >= min) return;
  out.push_back(InvalidCause(path + "." + key, json::value(v),
                             "must be greater than or equal to " + std::to_string(min)));
}

void CheckEnum(std::vector<Cause>& out, const json::object& o, const char* key,
               const std::string& path, const std::vector<std::string>& allowed) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return;
  if (it->value().is_string()) {
    std::string v(it->value().get_string());
    for (const auto& a : allowed) {
      if (a == v) return;
    }
  }
  out.push_back(NotSupportedCause(path + "." + key, it->value(), allowed));
}

// One quantity map (limits or requests); fills `parsed` with the good values.
void CheckResourceMap(std::vector<Cause>& out, const json::object* m, const std::string& path,
                      std::map<std::string, std::pair<long double, std::string>>& parsed) {
  if (m == nullptr) return;
  for (const auto& kv : *m) {
    std::string name(kv.key());
    std::string field = path + "[" + name + "]";
    std::string text;
    if (kv.value().is_string()) {
      text = std::string(kv.value().get_string());
    } else if (kv.value().is_number()) {
      text = json::serialize(kv.value());
    } else {
      out.push_back(InvalidCause(field, kv.value(), kQuantityFormat));
      continue;
    }
    auto q = validation::ParseQuantity(text);
    if (!q) {
      out.push_back(InvalidCause(field, json::value(text), kQuantityFormat));
      continue;
    }
    if (q->value < 0) {
      out.push_back(InvalidCause(field, json::value(text), "must be greater than or equal to 0"));
      continue;
    }
    parsed[name] = {q->value, text};
  }
}

void ValidateResources(std::vector<Cause>& out, const json::object& res, const std::string& path) {
  std::map<std::string, std::pair<long double, std::string>> limits, requests;
  CheckResourceMap(out, ObjectAt(res, "limits"), path + ".limits", limits);
  CheckResourceMap(out, ObjectAt(res, "requests"), path + ".requests", requests);
  for (const auto& [name, req] : requests) {
    auto lim = limits.find(name);
    if (lim == limits.end() || req.first <= lim->second.first) continue;
    out.push_back(InvalidCause(path + ".requests[" + name + "]", json::value(req.second),
                               "must be less than or equal to " + name + " limit of " +
                                   lim->second.second));
  }
}

void ValidatePortNumber(std::vector<Cause>& out, const json::value& v, const std::string& field) {
  if (v.is_string()) {
    std::string name(v.get_string());
    AppendInvalid(out, field, v, validation::IsValidPortName(name));
    return;
  }
  int64_t n = v.is_int64() ? v.get_int64() : v.is_uint64() ? static_cast<int64_t>(v.get_uint64()) : 0;
  AppendInvalid(out, field, v, validation::IsValidPortNum(n));
}

void ValidateHandler(std::vector<Cause>& out, const json::object& h, const std::string& path,
                     const std::vector<const char*>& kinds) {
  int n = 0;
  for (const char* k : kinds) {
    if (!h.contains(k)) continue;
    if (++n > 1) {
      out.push_back(ForbiddenCause(path + "." + k, "may not specify more than 1 handler type"));
      continue;
    }
    const json::object* a = ObjectAt(h, k);
    if (a == nullptr) continue;
    std::string ap = path + "." + k;
    if (std::string(k) == "httpGet" || std::string(k) == "tcpSocket") {
      auto port = a->find("port");
      if (port == a->end()) {
        out.push_back(RequiredCause(ap + ".port"));
      } else {
        ValidatePortNumber(out, port->value(), ap + ".port");
      }
      if (std::string(k) == "httpGet") CheckEnum(out, *a, "scheme", ap, {"HTTP", "HTTPS"});
    } else if (std::string(k) == "exec") {
      const json::array* cmd = ArrayAt(*a, "command");
      if (cmd == nullptr || cmd->empty()) out.push_back(RequiredCause(ap + ".command"));
    } else if (std::string(k) == "grpc") {
      auto port = a->find("port");
      if (port == a->end()) {
        out.push_back(RequiredCause(ap + ".port"));
      } else {
        ValidatePortNumber(out, port->value(), ap + ".port");
      }
    }
  }
  if (n == 0) out.push_back(RequiredCause(path, "must specify a handler type"));
}

void ValidateProbe(std::vector<Cause>& out, const json::object& c, const char* key,
                   const std::string& cpath) {
  const json::object* p = ObjectAt(c, key);
  if (p == nullptr) return;
  std::string path = cpath + "." + key;
  ValidateHandler(out, *p, path, {"exec", "httpGet", "tcpSocket", "grpc"});
  CheckMin(out, *p, "initialDelaySeconds", path, 0);
  CheckMin(out, *p, "timeoutSeconds", path, 0);
  CheckMin(out, *p, "periodSeconds", path, 0);
  CheckMin(out, *p, "successThreshold", path, 0);
  CheckMin(out, *p, "failureThreshold", path, 0);
  int64_t st;
  if (std::string(key) != "readinessProbe" && HasInt(*p, "successThreshold", &st) && st != 1) {
    out.push_back(InvalidCause(path + ".successThreshold", json::value(st), "must be 1"));
  }
}

void ValidateContainer(std::vector<Cause>& out, const json::object& c, const std::string& path,
                       const std::set<std::string>& volumes, std::set<std::string>& names,
                       bool init) {
  std::string name = StringAt(c, "name");
  if (name.empty()) {
    out.push_back(RequiredCause(path + ".name"));
  } else {
    AppendInvalid(out, path + ".name", json::value(name), validation::IsDNS1123Label(name));
    if (!names.insert(name).second) out.push_back(DuplicateCause(path + ".name", json::value(name)));
  }
  if (StringAt(c, "image").empty()) out.push_back(RequiredCause(path + ".image"));
  CheckEnum(out, c, "imagePullPolicy", path, {"Always", "IfNotPresent", "Never"});
  CheckEnum(out, c, "terminationMessagePolicy", path, {"File", "FallbackToLogsOnError"});

  if (const json::array* ports = ArrayAt(c, "ports")) {
    std::set<std::string> port_names;
    for (size_t i = 0; i < ports->size(); ++i) {
      std::string pp = Idx(path + ".ports", i);
      if (!(*ports)[i].is_object()) continue;
      const json::object& p = (*ports)[i].get_object();
      auto cp = p.find("containerPort");
      if (cp == p.end()) {
        out.push_back(RequiredCause(pp + ".containerPort"));
      } else if (!cp->value().is_number()) {
        out.push_back(InvalidCause(pp + ".containerPort", cp->value(), "must be an integer"));
      } else {
        ValidatePortNumber(out, cp->value(), pp + ".containerPort");
      }
      int64_t hp;
      if (HasInt(p, "hostPort", &hp) && hp != 0) {
        AppendInvalid(out, pp + ".hostPort", json::value(hp), validation::IsValidPortNum(hp));
      }
      std::string pname = StringAt(p, "name");
      if (!pname.empty()) {
        AppendInvalid(out, pp + ".name", json::value(pname), validation::IsValidPortName(pname));
        if (!port_names.insert(pname).second) {
          out.push_back(DuplicateCause(pp + ".name", json::value(pname)));
        }
      }
      CheckEnum(out, p, "protocol", pp, {"SCTP", "TCP", "UDP"});
    }
  }
  if (const json::array* env = ArrayAt(c, "env")) {
    for (size_t i = 0; i < env->size(); ++i) {
      std::string ep = Idx(path + ".env", i);
      if (!(*env)[i].is_object()) continue;
      const json::object& e = (*env)[i].get_object();
      std::string ename = StringAt(e, "name");
      if (ename.empty()) {
        out.push_back(RequiredCause(ep + ".name"));
      } else {
        AppendInvalid(out, ep + ".name", json::value(ename), validation::IsEnvVarName(ename));
      }
      if (const json::object* from = ObjectAt(e, "valueFrom")) {
        int n = 0;
        for (const char* k : {"fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"}) {
          n += from->contains(k) ? 1 : 0;
        }
        if (n == 0) {
          out.push_back(InvalidCause(ep + ".valueFrom", json::value(""),
                                     "must specify one of: `fieldRef`, `resourceFieldRef`, "
                                     "`configMapKeyRef` or `secretKeyRef`"));
        } else if (n > 1) {
          out.push_back(InvalidCause(ep + ".valueFrom", json::value(""),
                                     "may not have more than one field specified at a time"));
        }
        if (e.contains("value") && !StringAt(e, "value").empty()) {
          out.push_back(InvalidCause(ep + ".valueFrom", json::value(""),
                                     "may not be specified when `value` is not empty"));
        }
      }
    }
  }
  if (const json::object* res = ObjectAt(c, "resources")) {
    ValidateResources(out, *res, path + ".resources");
  }
  if (const json::array* mounts = ArrayAt(c, "volumeMounts")) {
    std::set<std::string> paths;
    for (size_t i = 0; i < mounts->size(); ++i) {
      std::string mp = Idx(path + ".volumeMounts", i);
      if (!(*mounts)[i].is_object()) continue;
      const json::object& m = (*mounts)[i].get_object();
      std::string vname = StringAt(m, "name");
      if (vname.empty()) {
        out.push_back(RequiredCause(mp + ".name"));
      } else if (!volumes.count(vname)) {
        out.push_back(NotFoundCause(mp + ".name", json::value(vname)));
      }
      std::string mount_path = StringAt(m, "mountPath");
      if (mount_path.empty()) {
        out.push_back(RequiredCause(mp + ".mountPath"));
      } else if (!paths.insert(mount_path).second) {
        out.push_back(InvalidCause(mp + ".mountPath", json::value(mount_path), "must be unique"));
      }
    }
  }
  if (init) {
    // Regular init containers may not carry probes (sidecars with restartPolicy Always may).
    bool sidecar = StringAt(c, "restartPolicy") == "Always";
    if (!sidecar) {
      for (const char* k : {"livenessProbe", "readinessProbe", "startupProbe"}) {
        if (c.contains(k)) {
          out.push_back(ForbiddenCause(path + "." + k,
                                       "may not be set for init containers without restartPolicy=Always"));
        }
      }
    }
  }
  ValidateProbe(out, c, "livenessProbe", path);
  ValidateProbe(out, c, "readinessProbe", path);
  ValidateProbe(out, c, "startupProbe", path);
  if (const json::object* lc = ObjectAt(c, "lifecycle")) {
    for (const char* k : {"postStart", "preStop"}) {
      if (const json::object* h = ObjectAt(*lc, k)) {
        ValidateHandler(out, *h, path + ".lifecycle." + k, {"exec", "httpGet", "tcpSocket", "sleep"});
      }
    }
  }
}

const std::vector<const char*> kVolumeSourceKeys = {
    "hostPath", "emptyDir", "secret",  "persistentVolumeClaim", "downwardAPI", "configMap",
    "projected", "nfs",     "csi",     "ephemeral",             "gitRepo",     "iscsi",
    "image"};

std::set<std::string> ValidateVolumes(std::vector<Cause>& out, const json::array* vols,
                                      const std::string& path) {
  std::set<std::string> names;
  if (vols == nullptr) return names;
  for (size_t i = 0; i < vols->size(); ++i) {
    std::string vp = Idx(path, i);
    if (!(*vols)[i].is_object()) continue;
    const json::object& v = (*vols)[i].get_object();
    std::string name = StringAt(v, "name");
    if (name.empty()) {
      out.push_back(RequiredCause(vp + ".name"));
    } else {
      AppendInvalid(out, vp + ".name", json::value(name), validation::IsDNS1123Label(name));
      if (!names.insert(name).second) out.push_back(DuplicateCause(vp + ".name", json::value(name)));
    }
    int n = 0;
    for (const char* k : kVolumeSourceKeys) {
      if (!v.contains(k)) continue;
      if (++n > 1) out.push_back(ForbiddenCause(vp + "." + k, "may not specify more than 1 volume type"));
    }
    if (n == 0) out.push_back(RequiredCause(vp, "must specify a volume type"));
    if (const json::object* hp = ObjectAt(v, "hostPath")) {
      if (StringAt(*hp, "path").empty()) out.push_back(RequiredCause(vp + ".hostPath.path"));
    }
    if (const json::object* pvc = ObjectAt(v, "persistentVolumeClaim")) {
      if (StringAt(*pvc, "claimName").empty()) {
        out.push_back(RequiredCause(vp + ".persistentVolumeClaim.claimName"));
      }
    }
    for (const char* k : {"configMap", "secret", "downwardAPI", "projected"}) {
      const json::object* src = ObjectAt(v, k);
      int64_t mode;
      if (src && HasInt(*src, "defaultMode", &mode) && (mode < 0 || mode > 0777)) {
        out.push_back(InvalidCause(vp + "." + k + ".defaultMode", json::value(mode),
                                   "must be a number between 0 and 0777 (octal), both inclusive"));
      }
    }
  }
  return names;
}

void ValidateTolerations(std::vector<Cause>& out, const json::array* ts, const std::string& path) {
  if (ts == nullptr) return;
  for (size_t i = 0; i < ts->size(); ++i) {
    std::string tp = Idx(path, i);
    if (!(*ts)[i].is_object()) continue;
    const json::object& t = (*ts)[i].get_object();
    std::string key = StringAt(t, "key");
    std::string op = StringAt(t, "operator", "Equal");
    if (!key.empty()) AppendInvalid(out, tp + ".key", json::value(key), validation::IsQualifiedName(key));
    if (key.empty() && op != "Exists") {
      out.push_back(InvalidCause(tp + ".operator", json::value(op),
                                 "operator must be Exists when `key` is empty, which means \"match "
                                 "all values and all keys\""));
    }
    if (op == "Exists" && !StringAt(t, "value").empty()) {
      out.push_back(InvalidCause(tp + ".operator", json::value(StringAt(t, "value")),
                                 "value must be empty when `operator` is 'Exists'"));
    } else if (op != "Equal" && op != "Exists") {
      out.push_back(NotSupportedCause(tp + ".operator", json::value(op), {"Equal", "Exists"}));
    }
    CheckEnum(out, t, "effect", tp, {"NoExecute", "NoSchedule", "PreferNoSchedule"});
    int64_t secs;
    if (HasInt(t, "tolerationSeconds", &secs) && StringAt(t, "effect") != "NoExecute") {
      out.push_back(InvalidCause(tp + ".effect", json::value(StringAt(t, "effect")),
                                 "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  }
}

}  // namespace

std::vector<Cause> ValidatePodSpec(const json::object& spec, const std::string& path) {
  std::vector<Cause> out;
  std::set<std::string> volumes = ValidateVolumes(out, ArrayAt(spec, "volumes"), path + ".volumes");
  std::set<std::string> names;
  const json::array* inits = ArrayAt(spec, "initContainers");
  if (inits != nullptr) {
    for (size_t i = 0; i < inits->size(); ++i) {
      if (!(*inits)[i].is_object()) continue;
      ValidateContainer(out, (*inits)[i].get_object(), Idx(path + ".initContainers", i), volumes,
                        names, true);
    }
  }
  const json::array* cs = ArrayAt(spec, "containers");
  if (cs == nullptr || cs->empty()) {
    out.push_back(RequiredCause(path + ".containers"));
  } else {
    for (size_t i = 0; i < cs->size(); ++i) {
      if (!(*cs)[i].is_object()) {
        out.push_back(InvalidCause(Idx(path + ".containers", i), (*cs)[i], "must be an object"));
        continue;
      }
      ValidateContainer(out, (*cs)[i].get_object(), Idx(path + ".containers", i), volumes, names,
                        false);
    }
  }
  std::set<std::string> regular_names = names;
  if (const json::array* ecs = ArrayAt(spec, "ephemeralContainers")) {
    for (size_t i = 0; i < ecs->size(); ++i) {
      if (!(*ecs)[i].is_object()) continue;
      const json::object& ec = (*ecs)[i].get_object();
      std::string ep = Idx(path + ".ephemeralContainers", i);
      ValidateContainer(out, ec, ep, volumes, names, false);
      // Ephemeral containers are for debugging: no ports, probes, hooks or resources.
      for (const char* f : {"ports", "livenessProbe", "readinessProbe", "startupProbe",
                            "lifecycle", "resources", "resizePolicy", "restartPolicy"}) {
        const auto* v = ec.if_contains(f);
        bool set = v && !v->is_null() && !(v->is_object() && v->get_object().empty()) &&
                   !(v->is_array() && v->get_array().empty());
        if (set) out.push_back(ForbiddenCause(ep + "." + f, "cannot be set for an Ephemeral Container"));
      }
      std::string target = StringAt(ec, "targetContainerName");
      if (!target.empty() && !regular_names.count(target))
        out.push_back(NotFoundCause(ep + ".targetContainerName", json::value(target)));
    }
  }
  CheckEnum(out, spec, "restartPolicy", path, {"Always", "Never", "OnFailure"});
  CheckEnum(out, spec, "dnsPolicy", path, {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"});
  CheckEnum(out, spec, "preemptionPolicy", path, {"Never", "PreemptLowerPriority"});
  CheckMin(out, spec, "terminationGracePeriodSeconds", path, 0);
  int64_t ads;
  if (HasInt(spec, "activeDeadlineSeconds", &ads) && (ads < 1 || ads > 2147483647)) {
    out.push_back(InvalidCause(path + ".activeDeadlineSeconds", json::value(ads),
                               "must be between 1 and 2147483647, inclusive"));
  }
  if (StringAt(spec, "dnsPolicy") == "None") {
    const json::object* dc = ObjectAt(spec, "dnsConfig");
    const json::array* ns = dc ? ArrayAt(*dc, "nameservers") : nullptr;
    if (ns == nullptr || ns->empty()) {
      out.push_back(RequiredCause(path + ".dnsConfig.nameservers",
                                  "must provide at least one DNS nameserver when `dnsPolicy` is None"));
    }
  }
  if (const json::object* sel = ObjectAt(spec, "nodeSelector")) {
    for (const auto& kv : *sel) {
      std::string key(kv.key());
      AppendInvalid(out, path + ".nodeSelector", json::value(key), validation::IsQualifiedName(key));
      if (kv.value().is_string()) {
        std::string v(kv.value().get_string());
        AppendInvalid(out, path + ".nodeSelector", json::value(v), validation::IsValidLabelValue(v));
      }
    }
  }
  std::string sa = StringAt(spec, "serviceAccountName");
  if (!sa.empty()) {
    AppendInvalid(out, path + ".serviceAccountName", json::value(sa),
                  validation::IsDNS1123Subdomain(sa));
  }
  std::string node = StringAt(spec, "nodeName");
  if (!node.empty()) {
    AppendInvalid(out, path + ".nodeName", json::value(node), validation::IsDNS1123Subdomain(node));
  }
  std::string hostname = StringAt(spec, "hostname");
  if (!hostname.empty()) {
    AppendInvalid(out, path + ".hostname", json::value(hostname), validation::IsDNS1123Label(hostname));
  }
  std::string subdomain = StringAt(spec, "subdomain");
  if (!subdomain.empty()) {
    AppendInvalid(out, path + ".subdomain", json::value(subdomain),
                  validation::IsDNS1123Label(subdomain));
  }
  ValidateTolerations(out, ArrayAt(spec, "tolerations"), path + ".tolerations");
  ValidatePodSecurity(out, spec, path);
  if (const json::array* ips = ArrayAt(spec, "imagePullSecrets")) {
    for (size_t i = 0; i < ips->size(); ++i) {
      if (!(*ips)[i].is_object()) continue;
      if (StringAt((*ips)[i].get_object(), "name").empty()) {
        out.push_back(RequiredCause(Idx(path + ".imagePullSecrets", i) + ".name"));
      }
    }
  }
  return out;
}

}  // namespace berth::api

#include "api/kinds/core/security_context_validation.h"

#include <regex>
#include <set>

#include "api/kinds/core/field_errors.h"

namespace berth::api::core {
namespace {

constexpr size_t kSysctlMaxLength = 253;
constexpr const char* kSysctlRegex =
    "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";
constexpr int64_t kMaxId = 2147483647;

std::string Idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// uid/gid fields must be in [0, 2^31-1].
void CheckIds(std::vector<Cause>& out, const json::object& sc, const std::string& path,
              std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    int64_t v;
    if (HasInt(sc, k, &v) && (v < 0 || v > kMaxId))
      out.push_back(InvalidCause(path + "." + k, json::value(v),
                                 "must be between 0 and 2147483647, inclusive"));
  }
}

bool GetBool(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_bool() && it->value().get_bool();
}

}  // namespace

bool IsValidSysctlName(const std::string& name) {
  static const std::regex re(kSysctlRegex);
  return name.size() <= kSysctlMaxLength && std::regex_match(name, re);
}

void ValidatePodSecurity(std::vector<Cause>& out, const json::object& spec, const std::string& path) {
  if (const json::object* psc = ObjectAt(spec, "securityContext")) {
    std::string scp = path + ".securityContext";
    CheckIds(out, *psc, scp, {"runAsUser", "runAsGroup", "fsGroup"});
    if (const json::array* sysctls = ArrayAt(*psc, "sysctls")) {
      std::set<std::string> seen;
      bool host_net = GetBool(spec, "hostNetwork"), host_ipc = GetBool(spec, "hostIPC");
      for (size_t i = 0; i < sysctls->size(); ++i) {
        if (!(*sysctls)[i].is_object()) continue;
        std::string np = Idx(scp + ".sysctls", i) + ".name";
        std::string name = StringAt((*sysctls)[i].get_object(), "name");
        if (name.empty()) {
          out.push_back(RequiredCause(np));
        } else if (!IsValidSysctlName(name)) {
          out.push_back(InvalidCause(np, json::value(name),
                                     "must have at most 253 characters and match regex " +
                                         std::string(kSysctlRegex)));
        } else if (!seen.insert(name).second) {
          out.push_back(DuplicateCause(np, json::value(name)));
        } else if (host_net && name.rfind("net.", 0) == 0) {
          out.push_back(InvalidCause(np, json::value(name),
                                     "may not be specified when 'hostNetwork' is true"));
        } else if (host_ipc && (name.rfind("kernel.shm", 0) == 0 ||
                                name.rfind("kernel.msg", 0) == 0 || name == "kernel.sem" ||
                                name.rfind("fs.mqueue.", 0) == 0)) {
          out.push_back(InvalidCause(np, json::value(name),
                                     "may not be specified when 'hostIPC' is true"));
        }
      }
    }
  }
  for (const char* list : {"initContainers", "containers"}) {
    const json::array* cs = ArrayAt(spec, list);
    if (cs == nullptr) continue;
    for (size_t i = 0; i < cs->size(); ++i) {
      if (!(*cs)[i].is_object()) continue;
      if (const json::object* sc = ObjectAt((*cs)[i].get_object(), "securityContext"))
        CheckIds(out, *sc, Idx(path + "." + list, i) + ".securityContext",
                 {"runAsUser", "runAsGroup"});
    }
  }
}

}  // namespace berth::api::core

// core/v1 Pod: schema, defaulting (PodSpec + phase + QoS class), validation
// (PodSpec, update immutability) and kubectl's Table (printPod).
#include <map>
#include <set>

#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"
#include "api/validation/quantity.h"
#include "common/clock.h"

namespace berth::api::core {

namespace {

// Sums positive cpu/memory quantities of one resource map into `acc`; returns names found.
std::set<std::string> AddQos(const json::object* m, std::map<std::string, long double>& acc) {
  std::set<std::string> found;
  if (m == nullptr) return found;
  for (const auto& kv : *m) {
    std::string name(kv.key());
    if (name != "cpu" && name != "memory") continue;
    std::string text = kv.value().is_string() ? std::string(kv.value().get_string())
                                              : json::serialize(kv.value());
    auto q = validation::ParseQuantity(text);
    if (!q || q->value <= 0) continue;
    acc[name] += q->value;
    found.insert(name);
  }
  return found;
}

bool TimeAt(const json::object& o, std::initializer_list<const char*> path, Clock::time_point* t) {
  std::string s = StringAtPath(o, path);
  return !s.empty() && ParseRfc3339(s, t);
}

std::string Since(Clock::time_point t, const HookContext& ctx) {
  return HumanDuration(std::chrono::duration_cast<std::chrono::seconds>(ctx.now - t));
}

const json::object* StateOf(const json::object& status, const char* which, const char* kind) {
  const json::object* st = ObjectAt(status, which);
  return st ? ObjectAt(*st, kind) : nullptr;
}

bool IsRestartableInit(const json::object* c) {
  return c != nullptr && StringAt(*c, "restartPolicy") == "Always";
}

bool ConditionTrue(const json::object& status, const std::string& type) {
  if (const json::array* conds = ArrayAt(status, "conditions")) {
    for (const auto& c : *conds) {
      if (c.is_object() && StringAt(c.get_object(), "type") == type) {
        return StringAt(c.get_object(), "status") == "True";
      }
    }
  }
  return false;
}

struct PodSummary {
  int ready = 0;
  int total = 0;
  int64_t restarts = 0;
  bool has_last_restart = false;
  Clock::time_point last_restart{};
  std::string reason;
};

void NoteRestart(const json::object& cs, Clock::time_point* last, bool* has) {
  Clock::time_point t;
  if (TimeAt(cs, {"lastState", "terminated", "finishedAt"}, &t) && (!*has || t > *last)) {
    *last = t;
    *has = true;
  }
}

std::string TerminatedText(const json::object& term, const std::string& prefix) {
  std::string reason = StringAt(term, "reason");
  if (!reason.empty()) return prefix + reason;
  int64_t sig = 0, code = 0;
  HasInt(term, "signal", &sig);
  HasInt(term, "exitCode", &code);
  return sig != 0 ? prefix + "Signal:" + std::to_string(sig)
                  : prefix + "ExitCode:" + std::to_string(code);
}

// Mirrors kubectl's printPod status computation.
PodSummary Summarize(const json::object& pod) {
  static const json::object kEmpty;
  const json::object* spec_p = ObjectAt(pod, "spec");
  const json::object* status_p = ObjectAt(pod, "status");
  const json::object& spec = spec_p ? *spec_p : kEmpty;
  const json::object& status = status_p ? *status_p : kEmpty;
  PodSummary s;
  const json::array* containers = ArrayAt(spec, "containers");
  s.total = containers ? static_cast<int>(containers->size()) : 0;
  s.reason = StringAt(status, "phase");
  if (!StringAt(status, "reason").empty()) s.reason = StringAt(status, "reason");
  if (const json::array* conds = ArrayAt(status, "conditions")) {
    for (const auto& c : *conds) {
      if (c.is_object() && StringAt(c.get_object(), "type") == "PodScheduled" &&
          StringAt(c.get_object(), "reason") == "SchedulingGated") {
        s.reason = "SchedulingGated";
      }
    }
  }
  std::map<std::string, const json::object*> inits;
  const json::array* init_specs = ArrayAt(spec, "initContainers");
  size_t n_inits = init_specs ? init_specs->size() : 0;
  if (init_specs) {
    for (const auto& c : *init_specs) {
      if (!c.is_object()) continue;
      inits[StringAt(c.get_object(), "name")] = &c.get_object();
      if (IsRestartableInit(&c.get_object())) ++s.total;
    }
  }
  int64_t sidecar_restarts = 0;
  bool has_sidecar_restart = false;
  Clock::time_point sidecar_last{};
  bool initializing = false;
  if (const json::array* ics = ArrayAt(status, "initContainerStatuses")) {
    for (size_t i = 0; i < ics->size(); ++i) {
      if (!(*ics)[i].is_object()) continue;
      const json::object& cs = (*ics)[i].get_object();
      int64_t rc = 0;
      HasInt(cs, "restartCount", &rc);
      s.restarts += rc;
      NoteRestart(cs, &s.last_restart, &s.has_last_restart);
      auto it = inits.find(StringAt(cs, "name"));
      bool restartable = it != inits.end() && IsRestartableInit(it->second);
      if (restartable) {
        sidecar_restarts += rc;
        NoteRestart(cs, &sidecar_last, &has_sidecar_restart);
      }
      const json::object* term = StateOf(cs, "state", "terminated");
      const json::object* waiting = StateOf(cs, "state", "waiting");
      int64_t code = -1;
      if (term && HasInt(*term, "exitCode", &code) && code == 0) continue;
      auto started = cs.find("started");
      if (restartable && started != cs.end() && started->value().is_bool() &&
          started->value().get_bool()) {
        auto ready = cs.find("ready");
        if (ready != cs.end() && ready->value().is_bool() && ready->value().get_bool()) ++s.ready;
        continue;
      }
      if (term) {
        s.reason = TerminatedText(*term, "Init:");
      } else if (waiting && !StringAt(*waiting, "reason").empty() &&
                 StringAt(*waiting, "reason") != "PodInitializing") {
        s.reason = "Init:" + StringAt(*waiting, "reason");
      } else {
        s.reason = "Init:" + std::to_string(i) + "/" + std::to_string(n_inits);
      }
      initializing = true;
      break;
    }
  }
  if (!initializing || ConditionTrue(status, "Initialized")) {
    s.restarts = sidecar_restarts;
    s.last_restart = sidecar_last;
    s.has_last_restart = has_sidecar_restart;
    bool has_running = false;
    if (const json::array* css = ArrayAt(status, "containerStatuses")) {
      for (size_t k = css->size(); k-- > 0;) {
        if (!(*css)[k].is_object()) continue;
        const json::object& cs = (*css)[k].get_object();
        int64_t rc = 0;
        HasInt(cs, "restartCount", &rc);
        s.restarts += rc;
        NoteRestart(cs, &s.last_restart, &s.has_last_restart);
        const json::object* waiting = StateOf(cs, "state", "waiting");
        const json::object* term = StateOf(cs, "state", "terminated");
        const json::object* running = StateOf(cs, "state", "running");
        auto ready = cs.find("ready");
        bool is_ready = ready != cs.end() && ready->value().is_bool() && ready->value().get_bool();
        if (waiting && !StringAt(*waiting, "reason").empty()) {
          s.reason = StringAt(*waiting, "reason");
        } else if (term) {
          s.reason = TerminatedText(*term, "");
        } else if (is_ready && running) {
          has_running = true;
          ++s.ready;
        }
      }
    }
    if (s.reason == "Completed" && has_running) {
      s.reason = ConditionTrue(status, "Ready") ? "Running" : "NotReady";
    }
  }
  const json::object* meta = ObjectAt(pod, "metadata");
  bool deleting = meta && meta->contains("deletionTimestamp") &&
                  !(*meta).at("deletionTimestamp").is_null();
  std::string phase = StringAt(status, "phase");
  if (deleting && StringAt(status, "reason") == "NodeLost") {
    s.reason = "Unknown";
  } else if (deleting && phase != "Succeeded" && phase != "Failed") {
    s.reason = "Terminating";
  }
  return s;
}

json::array PodRow(const json::object& pod, const HookContext& ctx) {
  PodSummary s = Summarize(pod);
  std::string restarts = std::to_string(s.restarts);
  if (s.restarts != 0 && s.has_last_restart) {
    restarts += " (" + Since(s.last_restart, ctx) + " ago)";
  }
  static const json::object kEmpty;
  const json::object* spec_p = ObjectAt(pod, "spec");
  const json::object* status_p = ObjectAt(pod, "status");
  const json::object& spec = spec_p ? *spec_p : kEmpty;
  const json::object& status = status_p ? *status_p : kEmpty;
  std::string ip;
  if (const json::array* ips = ArrayAt(status, "podIPs"); ips && !ips->empty() &&
                                                         (*ips)[0].is_object()) {
    ip = StringAt((*ips)[0].get_object(), "ip");
  }
  if (ip.empty()) ip = StringAt(status, "podIP");
  auto none = [](std::string v) { return v.empty() ? std::string("<none>") : v; };
  std::string gates = "<none>";
  if (const json::array* rg = ArrayAt(spec, "readinessGates"); rg && !rg->empty()) {
    int ok = 0;
    for (const auto& g : *rg) {
      if (g.is_object() && ConditionTrue(status, StringAt(g.get_object(), "conditionType"))) ++ok;
    }
    gates = std::to_string(ok) + "/" + std::to_string(rg->size());
  }
  return json::array{json::value(StringAtPath(pod, {"metadata", "name"})),
                     json::value(std::to_string(s.ready) + "/" + std::to_string(s.total)),
                     json::value(s.reason),
                     json::value(restarts),
                     json::value(AgeCell(pod, ctx)),
                     json::value(none(ip)),
                     json::value(none(StringAt(spec, "nodeName"))),
                     json::value(none(StringAt(status, "nominatedNodeName"))),
                     json::value(gates)};
}

// kube's DefaultTolerationSeconds admission: every pod tolerates the not-ready and unreachable
// NoExecute taints for 300 s unless it already has a toleration covering them.
void DefaultTolerationSeconds(json::object& spec) {
  bool not_ready = false, unreachable = false;
  json::value& tv = spec["tolerations"];
  if (!tv.is_array()) tv = json::array();
  for (const auto& t : tv.get_array()) {
    if (!t.is_object()) continue;
    std::string key = StringAt(t.get_object(), "key");
    std::string effect = StringAt(t.get_object(), "effect");
    if (!effect.empty() && effect != "NoExecute") continue;
    not_ready = not_ready || key.empty() || key == "node.kubernetes.io/not-ready";
    unreachable = unreachable || key.empty() || key == "node.kubernetes.io/unreachable";
  }
  for (auto [have, key] : {std::pair{not_ready, "node.kubernetes.io/not-ready"},
                           std::pair{unreachable, "node.kubernetes.io/unreachable"}}) {
    if (have) continue;
    tv.get_array().push_back(json::object{{"key", key},
                                          {"operator", "Exists"},
                                          {"effect", "NoExecute"},
                                          {"tolerationSeconds", 300}});
  }
}

void DefaultPod(json::object& pod) {
  if (!pod.contains("spec") || !pod["spec"].is_object()) pod["spec"] = json::object();
  json::object& spec = pod["spec"].get_object();
  DefaultPodSpec(spec);
  DefaultTolerationSeconds(spec);
  if (!pod.contains("status") || !pod["status"].is_object()) pod["status"] = json::object();
  json::object& status = pod["status"].get_object();
  if (StringAt(status, "phase").empty()) status["phase"] = "Pending";
  status["qosClass"] = PodQosClass(spec);
}

const char* kPodUpdateForbidden =
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set "
    "to 1 if it was previously negative)";

// Copies the mutable parts of `from` into `to` so the rest can be compared.
void MaskMutable(json::object& to, const json::object& from) {
  for (const char* key : {"containers", "initContainers"}) {
    json::array* dst = to.contains(key) && to[key].is_array() ? &to[key].get_array() : nullptr;
    const json::array* src = ArrayAt(from, key);
    if (!dst || !src || dst->size() != src->size()) continue;
    for (size_t i = 0; i < dst->size(); ++i) {
      if (!(*dst)[i].is_object() || !(*src)[i].is_object()) continue;
      auto img = (*src)[i].get_object().find("image");
      if (img != (*src)[i].get_object().end()) {
        (*dst)[i].get_object()["image"] = img->value();
      } else {
        (*dst)[i].get_object().erase("image");
      }
    }
  }
  // ephemeralContainers change only through pods/ephemeralcontainers (checked separately).
  for (const char* key : {"activeDeadlineSeconds", "tolerations", "nodeName", "ephemeralContainers"}) {
    auto it = from.find(key);
    if (it != from.end()) {
      to[key] = it->value();
    } else {
      to.erase(key);
    }
  }
}

std::vector<Cause> ValidatePod(const json::object& pod, const json::object* old) {
  std::vector<Cause> out;
  const json::object* spec = ObjectAt(pod, "spec");
  if (spec == nullptr) {
    out.push_back(RequiredCause("spec"));
    return out;
  }
  out = ValidatePodSpec(*spec, "spec");
  const json::object* old_spec = old ? ObjectAt(*old, "spec") : nullptr;
  const json::array* ephemeral = ArrayAt(*spec, "ephemeralContainers");
  if (old == nullptr && ephemeral && !ephemeral->empty()) {
    out.push_back(ForbiddenCause("spec.ephemeralContainers", "cannot be set on create"));
  }
  if (old_spec != nullptr) {
    // Ephemeral containers may be added, never changed or removed.
    if (const json::array* before = ArrayAt(*old_spec, "ephemeralContainers")) {
      for (const auto& b : *before) {
        if (!b.is_object()) continue;
        std::string name = StringAt(b.get_object(), "name");
        const json::value* now = nullptr;
        if (ephemeral)
          for (const auto& e : *ephemeral)
            if (e.is_object() && StringAt(e.get_object(), "name") == name) now = &e;
        if (!now) {
          out.push_back(ForbiddenCause("spec.ephemeralContainers",
                                       "existing ephemeral containers \"" + name + "\" may not be removed"));
        } else if (*now != b) {
          out.push_back(ForbiddenCause("spec.ephemeralContainers",
                                       "existing ephemeral containers \"" + name + "\" may not be changed"));
        }
      }
    }
  }
  if (old_spec != nullptr) {
    // Tolerations may only grow: every old toleration must still be present.
    const json::array* old_t = ArrayAt(*old_spec, "tolerations");
    const json::array* new_t = ArrayAt(*spec, "tolerations");
    bool tolerations_ok = true;
    if (old_t) {
      for (const auto& t : *old_t) {
        bool found = false;
        if (new_t) {
          for (const auto& n : *new_t) found = found || n == t;
        }
        tolerations_ok = tolerations_ok && found;
      }
    }
    // nodeName may be set once (binding) but not changed afterwards.
    std::string old_node = StringAt(*old_spec, "nodeName");
    bool node_ok = old_node.empty() || old_node == StringAt(*spec, "nodeName");
    json::object masked = *spec;
    MaskMutable(masked, *old_spec);
    if (masked != *old_spec || !tolerations_ok || !node_ok) {
      out.push_back(ForbiddenCause("spec", kPodUpdateForbidden));
    }
  }
  return out;
}

}  // namespace

std::string PodQosClass(const json::object& spec) {
  std::map<std::string, long double> requests, limits;
  bool guaranteed = true;
  for (const char* key : {"containers", "initContainers"}) {
    const json::array* cs = ArrayAt(spec, key);
    if (!cs) continue;
    for (const auto& c : *cs) {
      if (!c.is_object()) continue;
      const json::object* res = ObjectAt(c.get_object(), "resources");
      AddQos(res ? ObjectAt(*res, "requests") : nullptr, requests);
      std::set<std::string> found = AddQos(res ? ObjectAt(*res, "limits") : nullptr, limits);
      if (!found.count("cpu") || !found.count("memory")) guaranteed = false;
    }
  }
  if (requests.empty() && limits.empty()) return "BestEffort";
  if (guaranteed) {
    for (const auto& [name, req] : requests) {
      auto lim = limits.find(name);
      if (lim == limits.end() || lim->second != req) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
}

std::string PodStatusReason(const json::object& pod) { return Summarize(pod).reason; }

ResourceType PodType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "Pod";
  t.plural = "pods";
  t.singular = "pod";
  t.short_names = {"po"};
  t.categories = {"all"};
  t.has_status = true;
  t.generation_tracks_spec = false;
  t.schema = KindSchema("io.k8s.api.core.v1.Pod",
                        "A group of containers scheduled together onto one node.",
                        {F("spec", PodSpecSchema(), "Desired behaviour of the pod.", 2),
                         F("status", PodStatusSchema(), "Observed state of the pod.", 3)});
  t.default_fn = DefaultPod;
  t.validate_fn = ValidatePod;
  t.columns = {
      NameColumn(),
      {"Ready", "string", "", "Ready containers out of all containers.", 0},
      {"Status", "string", "", "Aggregated status of the pod.", 0},
      {"Restarts", "string", "", "Container restarts, with the time of the latest.", 0},
      AgeColumn(),
      {"IP", "string", "", "IP address of the pod.", 1},
      {"Node", "string", "", "Node the pod is bound to.", 1},
      {"Nominated Node", "string", "", "Node nominated by preemption.", 1},
      {"Readiness Gates", "string", "", "Readiness gates that are true out of all.", 1},
  };
  t.row_fn = PodRow;
  t.selectable_fields = {
      {"spec.nodeName", FieldAt({"spec", "nodeName"})},
      {"spec.restartPolicy", FieldAt({"spec", "restartPolicy"})},
      {"spec.schedulerName", FieldAt({"spec", "schedulerName"})},
      {"spec.serviceAccountName", FieldAt({"spec", "serviceAccountName"})},
      {"status.phase", FieldAt({"status", "phase"})},
      {"status.podIP", FieldAt({"status", "podIP"})},
      {"status.nominatedNodeName", FieldAt({"status", "nominatedNodeName"})},
  };
  return t;
}

}  // namespace berth::api::core

// PodSpec defaulting, following Kubernetes' core/v1 SetDefaults_* functions.
#include "api/kinds/kinds.h"

namespace berth::api {

namespace {

void SetIfMissing(json::object& o, const char* key, json::value v) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) o[key] = std::move(v);
}

json::object* MutableObject(json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

json::array* MutableArray(json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().get_array() : nullptr;
}

// Always for ":latest" or an untagged image, IfNotPresent otherwise (digests count as pinned).
std::string DefaultPullPolicy(const std::string& image) {
  if (image.find('@') != std::string::npos) return "IfNotPresent";
  size_t slash = image.rfind('/');
  std::string last = slash == std::string::npos ? image : image.substr(slash + 1);
  size_t colon = last.rfind(':');
  if (colon == std::string::npos) return "Always";
  return last.substr(colon + 1) == "latest" ? "Always" : "IfNotPresent";
}

void DefaultHttpGet(json::object& handler) {
  if (json::object* get = MutableObject(handler, "httpGet")) {
    SetIfMissing(*get, "path", "/");
    SetIfMissing(*get, "scheme", "HTTP");
  }
}

void DefaultProbe(json::object& c, const char* key) {
  json::object* p = MutableObject(c, key);
  if (p == nullptr) return;
  SetIfMissing(*p, "timeoutSeconds", 1);
  SetIfMissing(*p, "periodSeconds", 10);
  SetIfMissing(*p, "successThreshold", 1);
  SetIfMissing(*p, "failureThreshold", 3);
  DefaultHttpGet(*p);
}

void DefaultContainer(json::object& c, bool host_network) {
  SetIfMissing(c, "terminationMessagePath", "/dev/termination-log");
  SetIfMissing(c, "terminationMessagePolicy", "File");
  auto img = c.find("image");
  std::string image = img != c.end() && img->value().is_string()
                          ? std::string(img->value().get_string())
                          : std::string();
  SetIfMissing(c, "imagePullPolicy", json::value(DefaultPullPolicy(image)));
  if (json::array* ports = MutableArray(c, "ports")) {
    for (auto& p : *ports) {
      if (!p.is_object()) continue;
      json::object& port = p.get_object();
      SetIfMissing(port, "protocol", "TCP");
      if (host_network && port.contains("containerPort")) {
        SetIfMissing(port, "hostPort", port["containerPort"]);
      }
    }
  }
  if (json::array* env = MutableArray(c, "env")) {
    for (auto& e : *env) {
      if (!e.is_object()) continue;
      json::object* from = MutableObject(e.get_object(), "valueFrom");
      if (from == nullptr) continue;
      if (json::object* ref = MutableObject(*from, "fieldRef")) SetIfMissing(*ref, "apiVersion", "v1");
    }
  }
  // Requests default to the limits for every resource that has a limit and no request.
  if (json::object* res = MutableObject(c, "resources")) {
    if (json::object* limits = MutableObject(*res, "limits"); limits && !limits->empty()) {
      json::object* requests = MutableObject(*res, "requests");
      if (requests == nullptr) {
        (*res)["requests"] = json::object();
        requests = &(*res)["requests"].get_object();
      }
      for (const auto& kv : *limits) {
        if (!requests->contains(kv.key())) (*requests)[kv.key()] = kv.value();
      }
    }
  }
  DefaultProbe(c, "livenessProbe");
  DefaultProbe(c, "readinessProbe");
  DefaultProbe(c, "startupProbe");
  if (json::object* lc = MutableObject(c, "lifecycle")) {
    if (json::object* h = MutableObject(*lc, "postStart")) DefaultHttpGet(*h);
    if (json::object* h = MutableObject(*lc, "preStop")) DefaultHttpGet(*h);
  }
}

const char* const kVolumeSources[] = {"hostPath", "emptyDir", "secret", "persistentVolumeClaim",
                                      "downwardAPI", "configMap", "projected", "nfs", "csi",
                                      "ephemeral", "gitRepo", "iscsi", "image"};

void DefaultVolume(json::object& v) {
  bool has_source = false;
  for (const char* src : kVolumeSources) has_source = has_source || v.contains(src);
  if (!has_source) v["emptyDir"] = json::object();
  if (json::object* s = MutableObject(v, "configMap")) SetIfMissing(*s, "defaultMode", 420);
  if (json::object* s = MutableObject(v, "secret")) SetIfMissing(*s, "defaultMode", 420);
  if (json::object* s = MutableObject(v, "downwardAPI")) SetIfMissing(*s, "defaultMode", 420);
  if (json::object* s = MutableObject(v, "projected")) SetIfMissing(*s, "defaultMode", 420);
  if (json::object* s = MutableObject(v, "hostPath")) SetIfMissing(*s, "type", "");
  if (json::object* s = MutableObject(v, "downwardAPI")) {
    if (json::array* items = MutableArray(*s, "items")) {
      for (auto& item : *items) {
        if (!item.is_object()) continue;
        if (json::object* ref = MutableObject(item.get_object(), "fieldRef")) {
          SetIfMissing(*ref, "apiVersion", "v1");
        }
      }
    }
  }
}

}  // namespace

void DefaultPodSpec(json::object& spec) {
  SetIfMissing(spec, "restartPolicy", "Always");
  SetIfMissing(spec, "terminationGracePeriodSeconds", 30);
  SetIfMissing(spec, "dnsPolicy", "ClusterFirst");
  SetIfMissing(spec, "securityContext", json::object());
  SetIfMissing(spec, "schedulerName", "default-scheduler");
  SetIfMissing(spec, "enableServiceLinks", true);
  // The deprecated serviceAccount mirrors serviceAccountName (v1 conversion).
  auto san = spec.find("serviceAccountName");
  auto sa = spec.find("serviceAccount");
  if (san != spec.end() && san->value().is_string() && !san->value().get_string().empty()) {
    spec["serviceAccount"] = san->value();
  } else if (sa != spec.end() && sa->value().is_string() && !sa->value().get_string().empty()) {
    spec["serviceAccountName"] = sa->value();
  }
  bool host_network = false;
  if (auto hn = spec.find("hostNetwork"); hn != spec.end() && hn->value().is_bool()) {
    host_network = hn->value().get_bool();
  }
  for (const char* key : {"containers", "initContainers", "ephemeralContainers"}) {
    if (json::array* cs = MutableArray(spec, key)) {
      for (auto& c : *cs) {
        if (c.is_object()) DefaultContainer(c.get_object(), host_network);
      }
    }
  }
  if (json::array* vs = MutableArray(spec, "volumes")) {
    for (auto& v : *vs) {
      if (v.is_object()) DefaultVolume(v.get_object());
    }
  }
}

}  // namespace berth::api

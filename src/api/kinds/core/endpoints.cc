// core/v1 Endpoints and its kubectl Table (formatEndpoints).
#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"
#include "api/validation/names.h"

namespace berth::api::core {

namespace {

SchemaPtr SubsetSchema() {
  static const SchemaPtr address = CoreObject(
      "EndpointAddress", "One backend address.",
      {
          Req("ip", String(), "IP of the backend.", 1),
          F("targetRef", ObjectReferenceSchema(), "Object that provides the backend.", 2),
          F("hostname", String(), "Host name of the backend.", 3),
          F("nodeName", String(), "Node hosting the backend.", 4),
      });
  static const SchemaPtr port = CoreObject(
      "EndpointPort", "One backend port.",
      {
          F("name", String(), "Name matching the service port name.", 1),
          Req("port", Int32(), "Port number.", 2),
          F("protocol", Enum({"SCTP", "TCP", "UDP"}), "TCP, UDP or SCTP; default TCP.", 3),
          F("appProtocol", String(), "Application protocol hint.", 4),
      });
  static const SchemaPtr s = CoreObject(
      "EndpointSubset", "Addresses that share a set of ports.",
      {
          F("addresses", ListOf(address), "Ready addresses.", 1),
          F("notReadyAddresses", ListOf(address), "Addresses that are not ready yet.", 2),
          F("ports", ListOf(port), "Ports available on every address.", 3),
      });
  return s;
}

void DefaultEndpoints(json::object& ep) {
  auto it = ep.find("subsets");
  if (it == ep.end() || !it->value().is_array()) return;
  for (auto& ss : it->value().get_array()) {
    if (!ss.is_object() || !ss.get_object().contains("ports")) continue;
    json::value& ports = ss.get_object()["ports"];
    if (!ports.is_array()) continue;
    for (auto& p : ports.get_array()) {
      if (p.is_object() && !p.get_object().contains("protocol")) p.get_object()["protocol"] = "TCP";
    }
  }
}

std::vector<Cause> ValidateEndpoints(const json::object& ep, const json::object* old) {
  std::vector<Cause> out;
  const json::array* subsets = ArrayAt(ep, "subsets");
  if (subsets == nullptr) return out;
  for (size_t i = 0; i < subsets->size(); ++i) {
    if (!(*subsets)[i].is_object()) continue;
    const json::object& ss = (*subsets)[i].get_object();
    std::string sp = "subsets[" + std::to_string(i) + "]";
    for (const char* key : {"addresses", "notReadyAddresses"}) {
      const json::array* addrs = ArrayAt(ss, key);
      if (addrs == nullptr) continue;
      for (size_t j = 0; j < addrs->size(); ++j) {
        if (!(*addrs)[j].is_object()) continue;
        std::string ip = StringAt((*addrs)[j].get_object(), "ip");
        std::string ap = sp + "." + key + "[" + std::to_string(j) + "].ip";
        if (ip.empty()) {
          out.push_back(RequiredCause(ap));
        } else {
          AppendInvalid(out, ap, json::value(ip), validation::IsValidIP(ip));
        }
      }
    }
    if (const json::array* ports = ArrayAt(ss, "ports")) {
      for (size_t j = 0; j < ports->size(); ++j) {
        if (!(*ports)[j].is_object()) continue;
        const json::object& p = (*ports)[j].get_object();
        std::string pp = sp + ".ports[" + std::to_string(j) + "]";
        int64_t n = 0;
        if (!HasInt(p, "port", &n)) {
          out.push_back(RequiredCause(pp + ".port"));
        } else {
          AppendInvalid(out, pp + ".port", json::value(n), validation::IsValidPortNum(n));
        }
        std::string proto = StringAt(p, "protocol", "TCP");
        if (proto != "TCP" && proto != "UDP" && proto != "SCTP") {
          out.push_back(NotSupportedCause(pp + ".protocol", json::value(proto), {"SCTP", "TCP", "UDP"}));
        }
      }
    }
  }
  return out;
}

std::string HostPort(const std::string& ip, int64_t port) {
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

}  // namespace

// At most three entries, then " + N more...", like kubectl.
std::string FormatEndpoints(const json::object& ep) {
  const json::array* subsets = ArrayAt(ep, "subsets");
  if (subsets == nullptr || subsets->empty()) return "<none>";
  std::vector<std::string> list;
  const size_t kMax = 3;
  bool more = false;
  size_t count = 0;
  for (const auto& s : *subsets) {
    if (!s.is_object()) continue;
    const json::object& ss = s.get_object();
    const json::array* addrs = ArrayAt(ss, "addresses");
    const json::array* ports = ArrayAt(ss, "ports");
    size_t naddrs = addrs ? addrs->size() : 0;
    if (ports == nullptr || ports->empty()) {
      count += naddrs;
      for (size_t i = 0; i < naddrs; ++i) {
        if (list.size() == kMax) {
          more = true;
          break;
        }
        if ((*addrs)[i].is_object()) list.push_back(StringAt((*addrs)[i].get_object(), "ip"));
      }
      continue;
    }
    for (const auto& p : *ports) {
      if (!p.is_object()) continue;
      int64_t port = 0;
      HasInt(p.get_object(), "port", &port);
      count += naddrs;
      for (size_t i = 0; i < naddrs; ++i) {
        if (list.size() == kMax) {
          more = true;
          break;
        }
        if ((*addrs)[i].is_object()) {
          list.push_back(HostPort(StringAt((*addrs)[i].get_object(), "ip"), port));
        }
      }
    }
  }
  std::string out;
  for (const auto& e : list) out += (out.empty() ? "" : ",") + e;
  if (more) out += " + " + std::to_string(count - kMax) + " more...";
  return out;
}

ResourceType EndpointsType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "Endpoints";
  t.list_kind = "EndpointsList";
  t.plural = "endpoints";
  t.singular = "endpoints";
  t.short_names = {"ep"};
  t.generation_tracks_spec = false;
  t.schema = KindSchema("io.k8s.api.core.v1.Endpoints", "The backend addresses of a service.",
                        {F("subsets", ListOf(SubsetSchema()),
                           "Groups of addresses that share ports.", 2)});
  t.default_fn = DefaultEndpoints;
  t.validate_fn = ValidateEndpoints;
  t.columns = {NameColumn(),
               {"Endpoints", "string", "", "Backend addresses of the service.", 0},
               AgeColumn()};
  t.row_fn = [](const json::object& ep, const HookContext& ctx) {
    return json::array{json::value(StringAtPath(ep, {"metadata", "name"})),
                       json::value(FormatEndpoints(ep)), json::value(AgeCell(ep, ctx))};
  };
  return t;
}

}  // namespace berth::api::core

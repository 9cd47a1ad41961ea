// discovery.k8s.io/v1 EndpointSlice: schema, defaulting, validation and
// Table printing.
#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/kinds.h"

namespace berth::api {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr EndpointSliceSchema() {
  const std::string p = "io.k8s.api.discovery.v1.";
  auto conditions = Object(
      p + "EndpointConditions", "The health of one endpoint.",
      {
          F("ready", Bool(),
            "Whether the endpoint should receive traffic; unknown (treat as ready) when unset. "
            "Normally false while terminating.",
            1),
          F("serving", Bool(), "Like ready, but also reported while terminating.", 2),
          F("terminating", Bool(), "Whether the endpoint is shutting down.", 3),
      });
  auto hints = Object(
      p + "EndpointHints", "Routing hints for topology-aware consumers.",
      {F("forZones",
         ListOf(Object(p + "ForZone", "A zone an endpoint should serve.",
                       {Req("name", String(), "The zone's name.", 1)})),
         "Zones that should consume this endpoint.", 1)});
  auto endpoint = Object(
      p + "Endpoint", "One backend of a service.",
      {
          Req("addresses", ListSet(String()),
              "1 to 100 interchangeable addresses of the kind given by addressType.", 1),
          F("conditions", conditions, "The endpoint's health.", 2),
          F("hostname", String(), "A DNS label naming this endpoint (e.g. for headless DNS).", 3),
          F("targetRef", ObjectReferenceSchema(),
            "The object (usually a pod) behind this endpoint.", 4),
          F("deprecatedTopology", StringMap(),
            "Legacy v1beta1 topology; ignored when written through v1.", 5),
          F("nodeName", String(), "The node hosting this endpoint.", 6),
          F("zone", String(), "The zone this endpoint is in.", 7),
          F("hints", hints, "Hints for how the endpoint should be consumed.", 8),
      });
  auto port = Object(
      p + "EndpointPort", "A port every endpoint in the slice serves.",
      {
          F("name", String(),
            "The port's name (empty or a DNS label); matches the Service port name.", 1),
          F("protocol", Enum({"TCP", "UDP", "SCTP"}), "The IP protocol. Defaults to TCP.", 2),
          F("port", Int32(), "The port number; unset means all ports.", 3),
          F("appProtocol", String(),
            "The application protocol, e.g. \"http\" or \"kubernetes.io/h2c\".", 4),
      });
  auto schema = KindSchema(
      p + "EndpointSlice",
      "EndpointSlice lists a subset of the backends of a service; all slices of a service "
      "together form its endpoints.",
      {
          Req("addressType", Enum({"IPv4", "IPv6", "FQDN"}),
              "The kind of address every endpoint in this slice uses; immutable.", 4),
          Req("endpoints", ListOf(endpoint), "The backends, at most 1000.", 2),
          F("ports", ListOf(port),
            "Ports served by every endpoint, at most 100. Empty means none are defined.", 3),
      });
  return schema;
}

void DefaultEndpointSlice(json::object& obj) {
  json::value* ports = obj.if_contains("ports");
  if (ports == nullptr || !ports->is_array()) return;
  for (json::value& p : ports->get_array()) {
    if (!p.is_object()) continue;
    SetDefault(p.get_object(), "name", "");
    SetDefault(p.get_object(), "protocol", "TCP");
  }
}

std::vector<Cause> ValidateEndpointSlice(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const std::string type = StrAt(obj, "addressType");
  if (type.empty()) {
    out.push_back(RequiredCause("addressType"));
  } else if (type != "IPv4" && type != "IPv6" && type != "FQDN") {
    out.push_back(NotSupportedCause("addressType", type, {"FQDN", "IPv4", "IPv6"}));
  }
  if (const json::array* endpoints = ArrAt(obj, "endpoints")) {
    if (endpoints->size() > 1000) {
      out.push_back(Cause{"FieldValueTooMany",
                          "Too many: " + std::to_string(endpoints->size()) +
                              ": must have at most 1000 items",
                          "endpoints"});
    }
    for (size_t i = 0; i < endpoints->size(); ++i) {
      if (!(*endpoints)[i].is_object()) continue;
      const json::array* addrs = ArrAt((*endpoints)[i].get_object(), "addresses");
      const std::string base = "endpoints[" + std::to_string(i) + "].addresses";
      if (addrs == nullptr || addrs->empty()) {
        out.push_back(RequiredCause(base, "must contain at least 1 address"));
      } else if (addrs->size() > 100) {
        out.push_back(Cause{"FieldValueTooMany",
                            "Too many: " + std::to_string(addrs->size()) +
                                ": must have at most 100 items",
                            base});
      }
    }
  }
  if (const json::array* ports = ArrAt(obj, "ports")) {
    for (size_t i = 0; i < ports->size(); ++i) {
      if (!(*ports)[i].is_object()) continue;
      const json::object& port = (*ports)[i].get_object();
      const std::string base = "ports[" + std::to_string(i) + "]";
      std::string protocol = StrAt(port, "protocol");
      if (Has(port, "protocol") && protocol != "TCP" && protocol != "UDP" && protocol != "SCTP") {
        out.push_back(NotSupportedCause(base + ".protocol", protocol, {"SCTP", "TCP", "UDP"}));
      }
      if (std::optional<int64_t> n = IntAt(port, "port"); n && (*n < 1 || *n > 65535)) {
        out.push_back(InvalidCause(base + ".port", std::to_string(*n),
                                   "must be between 1 and 65535, inclusive"));
      }
    }
  }
  if (old != nullptr) CheckImmutable(obj, *old, "addressType", "addressType", out);
  return out;
}

// kubectl's listWithMoreString: up to three items, then "+ N more...", "<unset>" when empty.
std::string ListWithMore(const std::vector<std::string>& items) {
  const size_t max = 3;
  std::string out;
  for (size_t i = 0; i < items.size() && i < max; ++i) out += (i > 0 ? "," : "") + items[i];
  if (items.size() > max) return out + " + " + std::to_string(items.size() - max) + " more...";
  return out.empty() ? "<unset>" : out;
}

json::array EndpointSliceRow(const json::object& obj, const HookContext& ctx) {
  std::vector<std::string> ports;
  if (const json::array* ps = ArrAt(obj, "ports")) {
    for (const json::value& p : *ps) {
      if (!p.is_object()) continue;
      const json::object& port = p.get_object();
      if (std::optional<int64_t> n = IntAt(port, "port")) {
        ports.push_back(std::to_string(*n));
      } else if (port.contains("name") && port.at("name").is_string()) {
        ports.push_back(StrAt(port, "name"));
      } else {
        ports.push_back("*");
      }
    }
  }
  std::vector<std::string> addresses;
  if (const json::array* eps = ArrAt(obj, "endpoints")) {
    for (const json::value& e : *eps) {
      const json::array* addrs = e.is_object() ? ArrAt(e.get_object(), "addresses") : nullptr;
      if (addrs == nullptr) continue;
      for (const json::value& a : *addrs) {
        if (a.is_string()) addresses.emplace_back(a.get_string());
      }
    }
  }
  json::array row;
  row.emplace_back(ObjectName(obj));
  row.emplace_back(StrAt(obj, "addressType"));
  row.emplace_back(ListWithMore(ports));
  row.emplace_back(ListWithMore(addresses));
  row.emplace_back(AgeCell(obj, ctx));
  return row;
}

}  // namespace

void RegisterDiscoveryKinds(Registry& r) {
  ResourceType t;
  t.group = "discovery.k8s.io";
  t.version = "v1";
  t.kind = "EndpointSlice";
  t.plural = "endpointslices";
  t.singular = "endpointslice";
  t.schema = EndpointSliceSchema();
  t.default_fn = DefaultEndpointSlice;
  t.validate_fn = ValidateEndpointSlice;
  t.columns = {
      NameColumn(),
      {"AddressType", "string", "", "The kind of addresses in the slice.", 0},
      {"Ports", "string", "", "Ports served by the endpoints.", 0},
      {"Endpoints", "string", "", "Addresses of the endpoints.", 0},
      AgeColumn(),
  };
  t.row_fn = EndpointSliceRow;
  r.Add(std::move(t));
}

}  // namespace berth::api

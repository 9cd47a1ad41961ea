// networking.k8s.io/v1 NetworkPolicy: schema, defaulting, validation and
// Table printing.
#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/label_selector_text.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/kinds.h"

namespace berth::api {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr NetworkPolicySchema() {
  const std::string p = "io.k8s.api.networking.v1.";
  auto ip_block = Object(p + "IPBlock", "A range of IP addresses, minus some sub-ranges.",
                         {
                             Req("cidr", String(), "The range, e.g. \"192.168.1.0/24\".", 1),
                             F("except", ListOf(String()),
                               "Sub-ranges of cidr to leave out.", 2),
                         });
  auto peer = Object(
      p + "NetworkPolicyPeer",
      "A source or destination of traffic: pods, namespaces, or an IP block.",
      {
          F("podSelector", LabelSelectorSchema(),
            "Selects pods (in the policy's namespace, or in the namespaces picked by "
            "namespaceSelector). An empty selector selects all pods.",
            1),
          F("namespaceSelector", LabelSelectorSchema(),
            "Selects namespaces; an empty selector selects all namespaces.", 2),
          F("ipBlock", ip_block, "An IP range; cannot be combined with the selectors.", 3),
      });
  auto port = Object(
      p + "NetworkPolicyPort", "A port (or port range) traffic may use.",
      {
          F("protocol", Enum({"TCP", "UDP", "SCTP"}),
            "The protocol the traffic must use. Defaults to TCP.", 1),
          F("port", IntOrString(),
            "A port number or a named container port; all ports when unset.", 2),
          F("endPort", Int32(),
            "Makes port..endPort an inclusive range; needs a numeric port.", 3),
      });
  auto ingress = Object(p + "NetworkPolicyIngressRule",
                        "Traffic allowed into the selected pods; it must match ports and from.",
                        {
                            F("ports", ListOf(port),
                              "Allowed destination ports; all ports when empty.", 1),
                            F("from", ListOf(peer), "Allowed sources; everyone when empty.", 2),
                        });
  auto egress = Object(p + "NetworkPolicyEgressRule",
                       "Traffic allowed out of the selected pods; it must match ports and to.",
                       {
                           F("ports", ListOf(port),
                             "Allowed destination ports; all ports when empty.", 1),
                           F("to", ListOf(peer), "Allowed destinations; anywhere when empty.", 2),
                       });
  auto spec = Object(
      p + "NetworkPolicySpec", "Which pods a policy isolates and what traffic it allows.",
      {
          F("podSelector", LabelSelectorSchema(),
            "The pods in this namespace the policy applies to; an empty selector selects them "
            "all.",
            1),
          F("ingress", ListOf(ingress),
            "Allowed incoming traffic (rules of all policies add up). An empty list allows no "
            "incoming traffic.",
            2),
          F("egress", ListOf(egress),
            "Allowed outgoing traffic. An empty list allows no outgoing traffic.", 3),
          F("policyTypes", ListOf(Enum({"Ingress", "Egress"})),
            "Directions the policy isolates: [\"Ingress\"], [\"Egress\"] or both. Defaults to "
            "Ingress, plus Egress when egress rules are given.",
            4),
      });
  return KindSchema(p + "NetworkPolicy",
                    "NetworkPolicy describes which network traffic is allowed to and from a set "
                    "of pods.",
                    {F("spec", spec, "The selected pods and the allowed traffic.", 2)});
}

void DefaultPorts(json::object& spec, std::string_view rules_key) {
  json::value* rules = spec.if_contains(rules_key);
  if (rules == nullptr || !rules->is_array()) return;
  for (json::value& rule : rules->get_array()) {
    if (!rule.is_object()) continue;
    json::value* ports = rule.get_object().if_contains("ports");
    if (ports == nullptr || !ports->is_array()) continue;
    for (json::value& port : ports->get_array()) {
      if (port.is_object()) SetDefault(port.get_object(), "protocol", "TCP");
    }
  }
}

void DefaultNetworkPolicy(json::object& obj) {
  json::object& spec = EnsureObj(obj, "spec");
  EnsureObj(spec, "podSelector");
  DefaultPorts(spec, "ingress");
  DefaultPorts(spec, "egress");
  const json::array* types = ArrAt(spec, "policyTypes");
  if (types == nullptr || types->empty()) {
    json::array t{"Ingress"};
    const json::array* egress = ArrAt(spec, "egress");
    if (egress != nullptr && !egress->empty()) t.emplace_back("Egress");
    spec["policyTypes"] = std::move(t);
  }
}

void ValidatePeers(const json::object& rule, std::string_view key, const std::string& path,
                   std::vector<Cause>& out) {
  const json::array* peers = ArrAt(rule, key);
  if (peers == nullptr) return;
  for (size_t i = 0; i < peers->size(); ++i) {
    if (!(*peers)[i].is_object()) continue;
    const json::object& peer = (*peers)[i].get_object();
    const std::string base = path + "." + std::string(key) + "[" + std::to_string(i) + "]";
    int set = 0;
    for (const char* sel : {"podSelector", "namespaceSelector"}) {
      if (const json::value* s = peer.if_contains(sel); s != nullptr && !s->is_null()) {
        ++set;
        std::vector<Cause> c = ValidateLabelSelector(s, base + "." + sel, false);
        out.insert(out.end(), c.begin(), c.end());
      }
    }
    if (const json::object* block = ObjAt(peer, "ipBlock")) {
      ++set;
      if (StrAt(*block, "cidr").empty()) out.push_back(RequiredCause(base + ".ipBlock.cidr"));
    }
    if (set == 0) {
      out.push_back(RequiredCause(base, "must specify a peer"));
    } else if (Has(peer, "ipBlock") && set > 1) {
      out.push_back(ForbiddenCause(base, "may not specify more than 1 peer type"));
    }
  }
}

void ValidatePorts(const json::object& rule, const std::string& path, std::vector<Cause>& out) {
  const json::array* ports = ArrAt(rule, "ports");
  if (ports == nullptr) return;
  for (size_t i = 0; i < ports->size(); ++i) {
    if (!(*ports)[i].is_object()) continue;
    const json::object& port = (*ports)[i].get_object();
    const std::string base = path + ".ports[" + std::to_string(i) + "]";
    std::string protocol = StrAt(port, "protocol");
    if (Has(port, "protocol") && protocol != "TCP" && protocol != "UDP" && protocol != "SCTP") {
      out.push_back(NotSupportedCause(base + ".protocol", protocol, {"SCTP", "TCP", "UDP"}));
    }
    std::optional<int64_t> number = IntAt(port, "port");
    if (number && (*number < 1 || *number > 65535)) {
      out.push_back(InvalidCause(base + ".port", std::to_string(*number),
                                 "must be between 1 and 65535, inclusive"));
    }
    if (std::optional<int64_t> end = IntAt(port, "endPort")) {
      if (!number) {
        out.push_back(ForbiddenCause(base + ".endPort",
                                     "may not be specified when `port` is non-numeric or unset"));
      } else if (*end < *number) {
        out.push_back(InvalidCause(base + ".endPort", std::to_string(*end),
                                   "must be greater than or equal to `port`"));
      }
    }
  }
}

std::vector<Cause> ValidateNetworkPolicy(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const json::object empty;
  const json::object* spec_ptr = ObjAt(obj, "spec");
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : empty;
  std::vector<Cause> sel = ValidateLabelSelector(spec.if_contains("podSelector"),
                                                 "spec.podSelector", false);
  out.insert(out.end(), sel.begin(), sel.end());
  for (const char* dir : {"ingress", "egress"}) {
    const json::array* rules = ArrAt(spec, dir);
    if (rules == nullptr) continue;
    for (size_t i = 0; i < rules->size(); ++i) {
      if (!(*rules)[i].is_object()) continue;
      const std::string base = std::string("spec.") + dir + "[" + std::to_string(i) + "]";
      ValidatePorts((*rules)[i].get_object(), base, out);
      ValidatePeers((*rules)[i].get_object(), std::string(dir) == "ingress" ? "from" : "to", base,
                    out);
    }
  }
  if (const json::array* types = ArrAt(spec, "policyTypes")) {
    for (size_t i = 0; i < types->size(); ++i) {
      std::string v = (*types)[i].is_string() ? std::string((*types)[i].get_string()) : "";
      if (v != "Ingress" && v != "Egress") {
        out.push_back(NotSupportedCause("spec.policyTypes[" + std::to_string(i) + "]", v,
                                        {"Ingress", "Egress"}));
      }
    }
    if (types->size() > 2) {
      out.push_back(InvalidCause("spec.policyTypes", json::serialize(*types),
                                 "may not specify more than two policyTypes"));
    }
  }
  (void)old;
  return out;
}

json::array NetworkPolicyRow(const json::object& obj, const HookContext& ctx) {
  const json::object* spec = ObjAt(obj, "spec");
  json::array row;
  row.emplace_back(ObjectName(obj));
  // FormatLabelSelector of an empty (match-all) pod selector prints <none>, as kubectl does.
  row.emplace_back(FormatLabelSelector(spec != nullptr ? spec->if_contains("podSelector")
                                                       : nullptr));
  row.emplace_back(AgeCell(obj, ctx));
  return row;
}

}  // namespace

void RegisterNetworkingKinds(Registry& r) {
  ResourceType t;
  t.group = "networking.k8s.io";
  t.version = "v1";
  t.kind = "NetworkPolicy";
  t.plural = "networkpolicies";
  t.singular = "networkpolicy";
  t.short_names = {"netpol"};
  t.schema = NetworkPolicySchema();
  t.default_fn = DefaultNetworkPolicy;
  t.validate_fn = ValidateNetworkPolicy;
  t.columns = {
      NameColumn(),
      {"Pod-Selector", "string", "", "The pods the policy applies to.", 0},
      AgeColumn(),
  };
  t.row_fn = NetworkPolicyRow;
  r.Add(std::move(t));
}

}  // namespace berth::api

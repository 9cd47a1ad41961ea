#include "apiserver/services/service_allocator.h"

#include <iostream>

#include "api/kinds/core/field_errors.h"
#include "apiserver/rest/object_codec.h"
#include "common/json.h"

namespace berth::apiserver::services {

namespace {

using api::core::ForbiddenCause;
using api::core::InvalidCause;

std::string TypeOf(const json::object& spec) {
  auto* t = spec.if_contains("type");
  return t && t->is_string() && !t->get_string().empty() ? std::string(t->get_string())
                                                         : "ClusterIP";
}

std::string Str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : "";
}

int64_t Int(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

const json::object& SpecOf(const json::object& svc) {
  static const json::object kEmpty;
  auto* s = svc.if_contains("spec");
  return s && s->is_object() ? s->get_object() : kEmpty;
}

json::object& MutableSpec(json::object& svc) {
  json::value& s = svc["spec"];
  if (!s.is_object()) s = json::object();
  return s.get_object();
}

std::string UidOf(const json::object& svc) { return GetString(svc, {"metadata", "uid"}); }

bool NeedsClusterIP(const json::object& spec) {
  return TypeOf(spec) != "ExternalName" && Str(spec, "clusterIP") != "None";
}
bool NodePortsAllowed(const std::string& type) {
  return type == "NodePort" || type == "LoadBalancer";
}
bool AllocatesNodePorts(const json::object& spec) {
  std::string type = TypeOf(spec);
  if (type == "NodePort") return true;
  if (type != "LoadBalancer") return false;
  auto* a = spec.if_contains("allocateLoadBalancerNodePorts");
  return !(a && a->is_bool() && !a->get_bool());
}
bool NeedsHealthCheckNodePort(const json::object& spec) {
  return TypeOf(spec) == "LoadBalancer" && Str(spec, "externalTrafficPolicy") == "Local";
}

Status Invalid(const json::object& svc, Cause c) {
  return InvalidError("Service", "", GetString(svc, {"metadata", "name"}), {std::move(c)});
}

// Erases spec[key] when it equals the old spec's value (the user did not set it anew).
void DropIfUnchanged(json::object& spec, const json::object& ospec, const char* key) {
  auto* v = spec.if_contains(key);
  if (!v) return;
  auto* o = ospec.if_contains(key);
  if (o ? *o == *v : v->is_null()) spec.erase(key);
}

}  // namespace

// What one write reserved, and what its object lets go of once stored.
class ServiceAllocator::Reservation : public WriteReservation {
 public:
  Reservation(ServiceAllocator* a, std::string uid) : a_(a), uid_(std::move(uid)) {}
  ~Reservation() override {
    if (!done_) a_->Finish(*this, false);
  }
  void Commit() override {
    if (done_) return;
    a_->Finish(*this, true);
    done_ = true;
  }

  ServiceAllocator* a_;
  std::string uid_;
  std::vector<uint64_t> new_ips, new_ports;    // reserved by this write
  std::vector<uint64_t> drop_ips, drop_ports;  // held by the old object only
  bool done_ = false;
};

ServiceAllocator::ServiceAllocator(Ipv4Range cidr, PortRange node_ports,
                                   std::map<uint64_t, std::string> reserved_ips, uint64_t seed)
    : cidr_(cidr),
      node_ports_(node_ports),
      reserved_ips_(std::move(reserved_ips)),
      ips_(cidr.size() + 1),
      ports_(node_ports.size()),
      rng_(seed) {
  for (const auto& [off, key] : reserved_ips_) reserved_offsets_.insert(off);
  static_band_ = std::min<uint64_t>(std::max<uint64_t>(16, cidr_.size() / 16), 256);
  if (static_band_ > cidr_.size()) static_band_ = cidr_.size();
}

ServiceAllocator::~ServiceAllocator() {
  if (watch_) watch_->Cancel();
}

uint64_t ServiceAllocator::UsedIps() const {
  std::lock_guard lock(mu_);
  return ips_.used();
}

uint64_t ServiceAllocator::UsedNodePorts() const {
  std::lock_guard lock(mu_);
  return ports_.used();
}

ServiceAllocator::Holdings ServiceAllocator::HeldBy(const json::object& svc) const {
  Holdings h;
  const json::object& spec = SpecOf(svc);
  if (NeedsClusterIP(spec)) h.ip = cidr_.Offset(Str(spec, "clusterIP"));
  if (NodePortsAllowed(TypeOf(spec))) {
    if (auto* ports = spec.if_contains("ports"); ports && ports->is_array()) {
      for (const auto& p : ports->get_array()) {
        if (!p.is_object()) continue;
        int64_t np = Int(p.get_object(), "nodePort");
        if (node_ports_.Contains(np)) h.ports.insert(node_ports_.Offset(np));
      }
    }
    int64_t hc = Int(spec, "healthCheckNodePort");
    if (NeedsHealthCheckNodePort(spec) && node_ports_.Contains(hc)) {
      h.ports.insert(node_ports_.Offset(hc));
    }
  }
  return h;
}

Status ServiceAllocator::Rebuild(store::Store* store, const api::ResourceType& services) {
  std::string prefix = ObjectPrefix(services, "");
  auto list = store->List(prefix, "", 0, 0);
  if (!list.ok()) return list.status();
  {
    std::lock_guard lock(mu_);
    for (const auto& kv : list->kvs) {
      auto obj = DecodeStored(kv);
      if (!obj.ok()) continue;
      std::string uid = UidOf(*obj);
      Holdings h = HeldBy(*obj);
      if (h.ip && !ips_.Restore(*h.ip, uid)) {
        std::cerr << "berth server: service " << kv.key << " holds cluster IP "
                  << cidr_.At(*h.ip) << " that another service holds too\n";
      }
      for (uint64_t p : h.ports) {
        if (!ports_.Restore(p, uid)) {
          std::cerr << "berth server: service " << kv.key << " holds node port "
                    << node_ports_.At(p) << " that another service holds too\n";
        }
      }
    }
  }
  // Deletions that do not go through the write path (the namespace finalizer
  // removes a terminating namespace's objects from the store directly).
  auto w = store->WatchPrefix(prefix, list->revision,
                              [this](const std::vector<store::Event>& events, int64_t) {
                                for (const auto& e : events) {
                                  if (e.type != store::Event::Type::kDelete) continue;
                                  auto v = ParseJson(e.kv.value);
                                  if (!v.ok() || !v->is_object()) continue;
                                  ReleaseUid(UidOf(v->as_object()));
                                }
                              });
  if (!w.ok()) return w.status();
  watch_ = std::move(*w);
  return {};
}

void ServiceAllocator::ReleaseUid(const std::string& uid) {
  if (uid.empty()) return;
  std::lock_guard lock(mu_);
  ips_.ReleaseOwner(uid);
  ports_.ReleaseOwner(uid);
}

void ServiceAllocator::AfterDelete(const json::object& obj) { ReleaseUid(UidOf(obj)); }

void ServiceAllocator::Finish(Reservation& r, bool commit) {
  std::lock_guard lock(mu_);
  if (commit) {
    for (uint64_t i : r.new_ips) ips_.Commit(i, r.uid_);
    for (uint64_t p : r.new_ports) ports_.Commit(p, r.uid_);
    for (uint64_t i : r.drop_ips) ips_.Unhold(i, r.uid_);
    for (uint64_t p : r.drop_ports) ports_.Unhold(p, r.uid_);
  } else {
    for (uint64_t i : r.new_ips) ips_.Abort(i, r.uid_);
    for (uint64_t p : r.new_ports) ports_.Abort(p, r.uid_);
  }
}

void ServiceAllocator::PrepareForUpdate(json::object& obj, const json::object& old) {
  json::object& spec = MutableSpec(obj);
  const json::object& ospec = SpecOf(old);
  std::string type = TypeOf(spec), old_type = TypeOf(ospec);

  // A PUT that leaves out what the server allocated keeps it (kube's
  // patchAllocatedValues), so `kubectl replace` works.
  if (NeedsClusterIP(ospec) && NeedsClusterIP(spec) && Str(spec, "clusterIP").empty()) {
    for (const char* k : {"clusterIP", "clusterIPs", "ipFamilies"}) {
      auto* cur = spec.if_contains(k);
      bool empty = !cur || cur->is_null() || (cur->is_array() && cur->get_array().empty()) ||
                   (cur->is_string() && cur->get_string().empty());
      if (const auto* v = ospec.if_contains(k); v && empty) spec[k] = *v;
    }
  }
  if (NodePortsAllowed(old_type) && NodePortsAllowed(type)) {
    auto* ports = spec.if_contains("ports");
    auto* oports = ospec.if_contains("ports");
    if (ports && ports->is_array() && oports && oports->is_array()) {
      std::map<std::string, int64_t> by_name;
      std::set<int64_t> old_used, new_used;
      for (const auto& p : oports->get_array()) {
        if (!p.is_object()) continue;
        by_name[Str(p.get_object(), "name")] = Int(p.get_object(), "nodePort");
        old_used.insert(Int(p.get_object(), "nodePort"));
      }
      for (const auto& p : ports->get_array()) {
        if (p.is_object()) new_used.insert(Int(p.get_object(), "nodePort"));
      }
      for (auto& p : ports->get_array()) {
        if (!p.is_object() || Int(p.get_object(), "nodePort") != 0) continue;
        auto it = by_name.find(Str(p.get_object(), "name"));
        // Not when another port of the new spec uses that node port already.
        if (it != by_name.end() && it->second != 0 && !new_used.count(it->second)) {
          p.get_object()["nodePort"] = it->second;
        }
      }
    }
  }
  if (NeedsHealthCheckNodePort(ospec) && NeedsHealthCheckNodePort(spec) &&
      Int(spec, "healthCheckNodePort") == 0 && Int(ospec, "healthCheckNodePort") != 0) {
    spec["healthCheckNodePort"] = Int(ospec, "healthCheckNodePort");
  }
  if (type == old_type) return;

  // A type change drops what only the old type had, unless the user set it
  // anew (kube's dropTypeDependentFields).
  if (type == "ExternalName") {
    std::string ip = Str(spec, "clusterIP");
    if (ip.empty() || ip == Str(ospec, "clusterIP")) {
      for (const char* k : {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
        DropIfUnchanged(spec, ospec, k);
      }
      spec.erase("clusterIP");
    }
  }
  if (!NodePortsAllowed(type)) {
    std::map<std::string, int64_t> old_np;
    if (auto* op = ospec.if_contains("ports"); op && op->is_array()) {
      for (const auto& p : op->get_array()) {
        if (p.is_object()) old_np[Str(p.get_object(), "name")] = Int(p.get_object(), "nodePort");
      }
    }
    if (auto* ports = spec.if_contains("ports"); ports && ports->is_array()) {
      for (auto& p : ports->get_array()) {
        if (!p.is_object()) continue;
        json::object& po = p.get_object();
        auto it = old_np.find(Str(po, "name"));
        if (it != old_np.end() && it->second == Int(po, "nodePort")) po.erase("nodePort");
      }
    }
    DropIfUnchanged(spec, ospec, "externalTrafficPolicy");
  }
  if (!NeedsHealthCheckNodePort(spec)) DropIfUnchanged(spec, ospec, "healthCheckNodePort");
  if (type != "LoadBalancer") {
    DropIfUnchanged(spec, ospec, "allocateLoadBalancerNodePorts");
    DropIfUnchanged(spec, ospec, "loadBalancerClass");
  }
}

StatusOr<std::unique_ptr<WriteReservation>> ServiceAllocator::BeginWrite(
    json::object& obj, const json::object* old) {
  std::string uid = UidOf(obj);
  std::string key = GetString(obj, {"metadata", "namespace"}) + "/" +
                    GetString(obj, {"metadata", "name"});
  // Declared before the lock: on an error return the lock goes first and the
  // reservation's destructor then gives back what it took.
  auto res = std::make_unique<Reservation>(this, uid);
  json::object& spec = MutableSpec(obj);
  std::string type = TypeOf(spec);
  Holdings old_h = old ? HeldBy(*old) : Holdings{};

  // --- IP families: this cluster is IPv4 single-stack.
  if (type != "ExternalName") {
    if (Str(spec, "ipFamilyPolicy") == "RequireDualStack") {
      return Invalid(obj, InvalidCause("spec.ipFamilyPolicy", json::value("RequireDualStack"),
                                       "this cluster is not configured for dual-stack services"));
    }
    if (auto* fams = spec.if_contains("ipFamilies"); fams && fams->is_array()) {
      const json::array& a = fams->get_array();
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].is_string() && a[i].get_string() == "IPv4") continue;
        return Invalid(obj, InvalidCause("spec.ipFamilies[" + std::to_string(i) + "]", a[i],
                                         "not configured on this cluster"));
      }
    }
  }

  // --- cluster IP.
  std::string ip = Str(spec, "clusterIP");
  json::array ips;
  if (auto* v = spec.if_contains("clusterIPs"); v && v->is_array()) ips = v->get_array();
  if (type == "ExternalName") {
    if (!ip.empty() || !ips.empty()) {
      return Invalid(obj, ForbiddenCause(ip.empty() ? "spec.clusterIPs" : "spec.clusterIP",
                                         "may not be set for ExternalName services"));
    }
    spec.erase("clusterIPs");
    spec.erase("ipFamilies");
    spec.erase("ipFamilyPolicy");
  } else {
    if (ip.empty() && !ips.empty() && ips[0].is_string()) ip = std::string(ips[0].get_string());
    if (!ips.empty() && (!ips[0].is_string() || ips[0].get_string() != ip)) {
      return Invalid(obj, InvalidCause("spec.clusterIPs[0]", ips[0],
                                       "must match `clusterIP` (" + ip + ")"));
    }
    if (ips.size() > 1) {
      return Invalid(obj, InvalidCause("spec.clusterIPs", json::value(ips),
                                       "this cluster is not configured for dual-stack services"));
    }
  }

  // An update keeps its IP even when a changed CIDR no longer holds it.
  bool keep_ip = old && NeedsClusterIP(SpecOf(*old)) && Str(SpecOf(*old), "clusterIP") == ip;
  std::set<int64_t> old_node_ports;
  if (old) {
    if (auto* op = SpecOf(*old).if_contains("ports"); op && op->is_array()) {
      for (const auto& p : op->get_array()) {
        if (p.is_object()) old_node_ports.insert(Int(p.get_object(), "nodePort"));
      }
    }
    old_node_ports.insert(Int(SpecOf(*old), "healthCheckNodePort"));
    old_node_ports.erase(0);
  }

  std::unique_lock lock(mu_);
  if (type != "ExternalName" && ip != "None") {
    std::optional<uint64_t> off;
    if (ip.empty()) {
      // Dynamic: the part of the range above the static band first.
      off = ips_.ReserveNext(uid, static_band_ + 1, cidr_.size() + 1, reserved_offsets_, rng_);
      if (!off) off = ips_.ReserveNext(uid, 1, static_band_ + 1, reserved_offsets_, rng_);
      if (!off) return InternalError("failed to allocate a serviceIP: range is full");
      res->new_ips.push_back(*off);
      ip = cidr_.At(*off);
    } else if (!keep_ip) {
      off = cidr_.Offset(ip);
      // kube prints the requested list as Go does: []string{"10.96.0.5"}.
      auto fail = [&](const std::string& why) {
        return Invalid(obj, Cause{"FieldValueInvalid",
                                  "Invalid value: []string{" + api::core::Quote(ip) +
                                      "}: failed to allocate IP " + ip + ": " + why,
                                  "spec.clusterIPs"});
      };
      if (!off) {
        return fail("provided IP is not in the valid range. The range of valid IPs is " +
                    cidr_.ToString());
      }
      auto r = reserved_ips_.find(*off);
      if ((r != reserved_ips_.end() && r->second != key) || !ips_.Reserve(*off, uid)) {
        return fail("provided IP is already allocated");
      }
      res->new_ips.push_back(*off);
    }
    spec["clusterIP"] = ip;
    spec["clusterIPs"] = json::array{json::value(ip)};
    spec["ipFamilies"] = json::array{"IPv4"};
    if (Str(spec, "ipFamilyPolicy").empty()) spec["ipFamilyPolicy"] = "SingleStack";
  } else if (ip == "None") {
    spec["clusterIPs"] = json::array{"None"};
    spec["ipFamilies"] = json::array{"IPv4"};
    if (Str(spec, "ipFamilyPolicy").empty()) spec["ipFamilyPolicy"] = "SingleStack";
  }

  // --- node ports. Claims one requested port (already ours is fine).
  std::set<uint64_t> claimed;
  auto claim = [&](int64_t np, const std::string& field) -> Status {
    bool ours = old_node_ports.count(np) > 0;
    if (ours || (node_ports_.Contains(np) && claimed.count(node_ports_.Offset(np)))) {
      if (node_ports_.Contains(np)) claimed.insert(node_ports_.Offset(np));
      return {};
    }
    if (!node_ports_.Contains(np)) {
      return Invalid(obj, InvalidCause(field, json::value(np),
                                       "provided port is not in the valid range. The range of "
                                       "valid ports is " +
                                           node_ports_.ToString()));
    }
    uint64_t off = node_ports_.Offset(np);
    if (!ports_.Reserve(off, uid)) {
      return Invalid(obj, InvalidCause(field, json::value(np), "provided port is already allocated"));
    }
    res->new_ports.push_back(off);
    claimed.insert(off);
    return {};
  };
  auto next_port = [&]() -> StatusOr<int64_t> {
    auto off = ports_.ReserveNext(uid, 0, node_ports_.size(), claimed, rng_);
    if (!off) return InternalError("failed to allocate a nodePort: range is full");
    res->new_ports.push_back(*off);
    claimed.insert(*off);
    return node_ports_.At(*off);
  };
  if (NodePortsAllowed(type)) {
    bool allocate = AllocatesNodePorts(spec);
    if (auto* pv = spec.if_contains("ports"); pv && pv->is_array()) {
      json::array& ports = pv->get_array();
      std::map<int64_t, int64_t> by_port;  // service port -> node port of this service
      for (size_t i = 0; i < ports.size(); ++i) {
        if (!ports[i].is_object()) continue;
        json::object& p = ports[i].get_object();
        std::string field = "spec.ports[" + std::to_string(i) + "].nodePort";
        int64_t port = Int(p, "port");
        int64_t np = Int(p, "nodePort");
        if (np == 0 && !allocate) continue;
        int64_t have = by_port.count(port) ? by_port[port] : 0;
        if (have != 0 && (np == 0 || np == have)) {
          p["nodePort"] = have;
          continue;
        }
        if (np == 0 && have == 0) {
          // A later port with the same number may name the node port to share.
          for (size_t j = i + 1; j < ports.size() && np == 0; ++j) {
            if (ports[j].is_object() && Int(ports[j].get_object(), "port") == port) {
              np = Int(ports[j].get_object(), "nodePort");
            }
          }
        }
        if (np != 0) {
          if (Status s = claim(np, field); !s.ok()) return s;
        } else {
          auto n = next_port();
          if (!n.ok()) return n.status();
          np = *n;
        }
        p["nodePort"] = np;
        if (have == 0) by_port[port] = np;
      }
    }
  }
  int64_t hc = Int(spec, "healthCheckNodePort");
  if (NeedsHealthCheckNodePort(spec)) {
    if (hc != 0) {
      if (Status s = claim(hc, "spec.healthCheckNodePort"); !s.ok()) return s;
    } else {
      auto n = next_port();
      if (!n.ok()) return n.status();
      spec["healthCheckNodePort"] = *n;
    }
  } else if (hc != 0) {
    return Invalid(obj, InvalidCause("spec.healthCheckNodePort", json::value(hc),
                                     "may only be set when `type` is 'LoadBalancer' and "
                                     "`externalTrafficPolicy` is 'Local'"));
  }

  // What the old object held and the new one does not is let go on commit.
  Holdings new_h = HeldBy(obj);
  if (old_h.ip && old_h.ip != new_h.ip) res->drop_ips.push_back(*old_h.ip);
  for (uint64_t p : old_h.ports) {
    if (!new_h.ports.count(p)) res->drop_ports.push_back(p);
  }
  lock.unlock();
  return std::unique_ptr<WriteReservation>(std::move(res));
}

}  // namespace berth::apiserver::services

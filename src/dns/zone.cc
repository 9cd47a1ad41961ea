#include "dns/zone.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <utility>

#include "dns/name.h"

namespace berth::dns {

// A service's records, immutable once built. Small sorted vectors rather than hash maps: a
// service has a handful of ports and names, and this is what 10,000 services cost in memory.
struct Zone::Rendered {
  std::vector<uint32_t> a;
  std::string cname;
  std::vector<SrvTarget> srv_all;
  std::vector<std::pair<std::string, std::vector<SrvTarget>>> srv_by_port;  // "_http._tcp"
  std::vector<std::string> protocols;                                       // "_tcp"
  std::vector<std::pair<std::string, std::vector<uint32_t>>> endpoints;     // label -> IPs
  std::vector<std::pair<uint32_t, std::string>> ptrs;
};

namespace {

template <typename V>
const V* FindSorted(const std::vector<std::pair<std::string, V>>& v, const std::string& key) {
  auto it = std::lower_bound(v.begin(), v.end(), key,
                             [](const auto& e, const std::string& k) { return e.first < k; });
  return it != v.end() && it->first == key ? &it->second : nullptr;
}

template <typename V>
std::vector<std::pair<std::string, V>> ToSorted(std::map<std::string, V>&& m) {
  std::vector<std::pair<std::string, V>> out;
  out.reserve(m.size());
  for (auto& [k, v] : m) out.emplace_back(k, std::move(v));
  return out;
}

}  // namespace

namespace {

std::string ServiceKey(const std::string& ns, const std::string& name) {
  return LowerAscii(name) + "." + LowerAscii(ns);
}

void AddUnique(std::vector<uint32_t>* v, uint32_t ip) {
  if (std::find(v->begin(), v->end(), ip) == v->end()) v->push_back(ip);
}

// CoreDNS's spread: every record of one answer set gets an equal share of 100.
void SetWeights(std::vector<SrvTarget>* srvs) {
  if (srvs->empty()) return;
  uint16_t w = static_cast<uint16_t>(std::max<size_t>(1, 100 / srvs->size()));
  for (SrvTarget& t : *srvs) t.srv.weight = w;
}

}  // namespace

namespace {
std::string NormalizeDomain(std::string_view domain) {
  std::string d = LowerAscii(domain);
  while (!d.empty() && d.back() == '.') d.pop_back();
  return d;
}
}  // namespace

Zone::Zone(std::string domain) : domain_(NormalizeDomain(domain)) {
  if (!SplitName(domain_, &domain_labels_)) domain_labels_.clear();
}

Zone::~Zone() = default;

void Zone::UpsertService(ServiceInfo svc) {
  std::unique_lock lock(mu_);
  std::string key = ServiceKey(svc.ns, svc.name);
  auto it = services_.find(key);
  if (it == services_.end()) ++services_per_ns_[LowerAscii(svc.ns)];
  std::string ns = svc.ns, name = svc.name;
  services_[key] = std::move(svc);
  RenderLocked(ns, name);
}

void Zone::RemoveService(const std::string& ns, const std::string& name) {
  std::unique_lock lock(mu_);
  std::string key = ServiceKey(ns, name);
  if (services_.erase(key) == 0) return;
  auto nit = services_per_ns_.find(LowerAscii(ns));
  if (nit != services_per_ns_.end() && --nit->second <= 0) services_per_ns_.erase(nit);
  SetRenderedLocked(key, nullptr);
}

void Zone::UpsertSlice(SliceInfo slice) {
  std::unique_lock lock(mu_);
  std::string slice_id = slice.ns + "/" + slice.name;
  std::string key = ServiceKey(slice.ns, slice.service);
  auto owner = slice_owner_.find(slice_id);
  if (owner != slice_owner_.end() && owner->second != key) {
    // The slice moved to another service (its label changed): drop it from the old one.
    std::string old_key = owner->second;
    auto sit = slices_.find(old_key);
    if (sit != slices_.end()) {
      sit->second.erase(slice.name);
      if (sit->second.empty()) slices_.erase(sit);
    }
    auto svc = services_.find(old_key);
    if (svc != services_.end()) RenderLocked(svc->second.ns, svc->second.name);
  }
  slice_owner_[slice_id] = key;
  std::string ns = slice.ns, service = slice.service;
  slices_[key][slice.name] = std::move(slice);
  if (services_.count(key) != 0) RenderLocked(ns, service);
}

void Zone::RemoveSlice(const std::string& ns, const std::string& name) {
  std::unique_lock lock(mu_);
  auto owner = slice_owner_.find(ns + "/" + name);
  if (owner == slice_owner_.end()) return;
  std::string key = owner->second;
  slice_owner_.erase(owner);
  auto sit = slices_.find(key);
  if (sit != slices_.end()) {
    sit->second.erase(name);
    if (sit->second.empty()) slices_.erase(sit);
  }
  auto svc = services_.find(key);
  if (svc != services_.end()) RenderLocked(svc->second.ns, svc->second.name);
}

size_t Zone::ServiceCount() const {
  std::shared_lock lock(mu_);
  return services_.size();
}

void Zone::RenderLocked(const std::string& ns, const std::string& name) {
  std::string key = ServiceKey(ns, name);
  auto svc = services_.find(key);
  if (svc == services_.end()) {
    SetRenderedLocked(key, nullptr);
    return;
  }
  static const std::map<std::string, SliceInfo> kNoSlices;
  auto sl = slices_.find(key);
  SetRenderedLocked(key, Render(svc->second, sl == slices_.end() ? kNoSlices : sl->second));
}

void Zone::SetRenderedLocked(const std::string& key, std::shared_ptr<const Rendered> r) {
  auto old = rendered_.find(key);
  if (old != rendered_.end()) {
    const Rendered* gone = old->second.get();
    for (const auto& ptr : gone->ptrs) {
      auto rit = reverse_.find(ptr.first);
      if (rit == reverse_.end()) continue;
      auto& v = rit->second;
      v.erase(std::remove_if(v.begin(), v.end(), [&](const auto& e) { return e.first == gone; }),
              v.end());
      if (v.empty()) reverse_.erase(rit);
    }
    rendered_.erase(old);
  }
  if (r == nullptr) return;
  for (uint32_t i = 0; i < r->ptrs.size(); ++i) reverse_[r->ptrs[i].first].emplace_back(r.get(), i);
  rendered_[key] = std::move(r);
}

std::shared_ptr<const Zone::Rendered> Zone::Render(
    const ServiceInfo& svc, const std::map<std::string, SliceInfo>& slices) const {
  auto r = std::make_shared<Rendered>();
  const std::string base = LowerAscii(svc.name) + "." + LowerAscii(svc.ns) + ".svc." + domain_;

  if (svc.kind == ServiceInfo::Kind::kExternalName) {
    std::string target = svc.external_name;
    while (!target.empty() && target.back() == '.') target.pop_back();
    r->cname = target;
    return r;
  }

  // Endpoints: those that are ready, or all with publishNotReadyAddresses; each named by its
  // hostname or its dashed IP.
  struct Ep {
    uint32_t ip;
    std::string label;
  };
  std::vector<std::pair<const SliceInfo*, std::vector<Ep>>> per_slice;
  std::set<std::pair<uint32_t, std::string>> seen;
  std::map<std::string, std::vector<uint32_t>> endpoints;
  std::map<std::string, std::vector<SrvTarget>> srv_by_port;
  std::set<std::string> protocols;
  for (const auto& [slice_name, slice] : slices) {
    std::vector<Ep> eps;
    for (const EndpointInfo& ep : slice.endpoints) {
      if (!ep.ready && !svc.publish_not_ready) continue;
      for (uint32_t ip : ep.addresses) {
        std::string label = ep.hostname.empty() ? DashedIPv4(ip) : LowerAscii(ep.hostname);
        if (!seen.emplace(ip, label).second) continue;
        eps.push_back(Ep{ip, label});
        AddUnique(&endpoints[label], ip);
        r->ptrs.emplace_back(ip, label + "." + base);
      }
    }
    per_slice.emplace_back(&slice, std::move(eps));
  }

  if (svc.kind == ServiceInfo::Kind::kClusterIP) {
    r->a = svc.cluster_ips;
    for (uint32_t ip : svc.cluster_ips) r->ptrs.emplace_back(ip, base);
    for (const PortInfo& p : svc.ports) {
      SrvTarget t{SrvData{0, 0, p.port, base}, svc.cluster_ips};
      protocols.insert("_" + p.protocol);
      if (!p.name.empty()) srv_by_port["_" + LowerAscii(p.name) + "._" + p.protocol].push_back(t);
      r->srv_all.push_back(std::move(t));
    }
  } else {
    for (const auto& [slice, eps] : per_slice) {
      for (const Ep& ep : eps) {
        AddUnique(&r->a, ep.ip);
        for (const PortInfo& p : slice->ports) {
          SrvTarget t{SrvData{0, 0, p.port, ep.label + "." + base}, {ep.ip}};
          protocols.insert("_" + p.protocol);
          if (!p.name.empty()) {
            srv_by_port["_" + LowerAscii(p.name) + "._" + p.protocol].push_back(t);
          }
          r->srv_all.push_back(std::move(t));
        }
      }
    }
    // A service's ports are listed even before it has endpoints, so _proto names exist.
    for (const PortInfo& p : svc.ports) protocols.insert("_" + p.protocol);
  }
  SetWeights(&r->srv_all);
  for (auto& [k, v] : srv_by_port) SetWeights(&v);
  r->srv_by_port = ToSorted(std::move(srv_by_port));
  r->endpoints = ToSorted(std::move(endpoints));
  r->protocols.assign(protocols.begin(), protocols.end());
  r->a.shrink_to_fit();
  r->ptrs.shrink_to_fit();
  r->srv_all.shrink_to_fit();
  return r;
}

ZoneLookup Zone::Lookup(const std::vector<std::string>& labels, uint16_t qtype) const {
  ZoneLookup out;
  const bool want_a = qtype == kTypeA || qtype == kTypeANY;
  const bool want_srv = qtype == kTypeSRV || qtype == kTypeANY;
  const size_t n = labels.size();
  const size_t d = domain_labels_.size();

  if (n == 6 && labels[4] == "in-addr" && labels[5] == "arpa") {
    std::optional<uint32_t> ip = ParseReverseName(labels);
    out.kind = ZoneLookup::Kind::kReverseMiss;
    if (!ip) return out;
    std::shared_lock lock(mu_);
    auto it = reverse_.find(*ip);
    if (it == reverse_.end()) return out;
    out.kind = ZoneLookup::Kind::kFound;
    if (qtype == kTypePTR || qtype == kTypeANY) {
      for (const auto& [rendered, index] : it->second) out.ptr.push_back(rendered->ptrs[index].second);
    }
    return out;
  }

  if (n < d || !std::equal(domain_labels_.begin(), domain_labels_.end(), labels.end() - d)) {
    return out;  // kOutside
  }
  const size_t rel = n - d;
  out.kind = ZoneLookup::Kind::kFound;
  if (rel == 0) {
    out.apex = true;
    return out;
  }
  const std::string& top = labels[rel - 1];
  if (top == "pod") {
    if (rel <= 2) return out;  // pod.D and <ns>.pod.D
    if (rel == 3) {
      if (std::optional<uint32_t> ip = ParseDashedIPv4(labels[0])) {
        if (want_a) out.a.push_back(*ip);
        return out;
      }
    }
    out.kind = ZoneLookup::Kind::kNxDomain;
    return out;
  }
  if (top != "svc") {
    out.kind = ZoneLookup::Kind::kNxDomain;
    return out;
  }
  if (rel == 1) return out;  // svc.D

  std::shared_lock lock(mu_);
  if (rel == 2) {
    if (services_per_ns_.count(labels[0]) == 0) out.kind = ZoneLookup::Kind::kNxDomain;
    return out;
  }
  if (rel > 5) {
    out.kind = ZoneLookup::Kind::kNxDomain;
    return out;
  }
  std::string key;
  key.reserve(labels[rel - 3].size() + labels[rel - 2].size() + 1);
  key.append(labels[rel - 3]).push_back('.');
  key.append(labels[rel - 2]);
  auto it = rendered_.find(key);
  if (it == rendered_.end()) {
    out.kind = ZoneLookup::Kind::kNxDomain;
    return out;
  }
  const Rendered& r = *it->second;
  if (rel == 3) {
    if (want_a) out.a = r.a;
    out.cname = r.cname;
    if (want_srv) out.srv = r.srv_all;
    return out;
  }
  if (rel == 4) {
    if (const std::vector<uint32_t>* ep = FindSorted(r.endpoints, labels[0])) {
      if (want_a) out.a = *ep;
    } else if (!std::binary_search(r.protocols.begin(), r.protocols.end(), labels[0])) {
      out.kind = ZoneLookup::Kind::kNxDomain;
    }
    return out;
  }
  // rel == 5: _<port>._<proto>
  std::string port_key = labels[0] + "." + labels[1];
  const std::vector<SrvTarget>* srv = FindSorted(r.srv_by_port, port_key);
  if (srv == nullptr) {
    out.kind = ZoneLookup::Kind::kNxDomain;
    return out;
  }
  if (want_srv) out.srv = *srv;
  return out;
}

}  // namespace berth::dns

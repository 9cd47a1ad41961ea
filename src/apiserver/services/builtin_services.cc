#include "apiserver/services/builtin_services.h"

#include "common/json.h"

namespace berth::apiserver::services {

namespace {

json::object Meta(const std::string& ns, const std::string& name, json::object labels) {
  return json::object{{"name", name}, {"namespace", ns}, {"labels", std::move(labels)}};
}

json::object ServicePort(const std::string& name, int64_t port, const std::string& proto,
                         int64_t target) {
  return json::object{
      {"name", name}, {"port", port}, {"protocol", proto}, {"targetPort", target}};
}

json::object Service(const std::string& ns, const std::string& name, json::object labels,
                     const std::string& ip, json::array ports) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Service"},
                      {"metadata", Meta(ns, name, std::move(labels))},
                      {"spec", json::object{{"type", "ClusterIP"},
                                            {"clusterIP", ip},
                                            {"sessionAffinity", "None"},
                                            {"ports", std::move(ports)}}}};
}

const json::value* At(const json::value& root, const std::vector<std::string>& path) {
  const json::value* cur = &root;
  for (const auto& k : path) {
    if (!cur->is_object()) return nullptr;
    cur = cur->as_object().if_contains(k);
    if (!cur) return nullptr;
  }
  return cur;
}

// Does `live` have every label of `want`?
bool HasLabels(const json::value& live, const json::object& want) {
  const json::value* l = GetPath(live, {"metadata", "labels"});
  if (!want.empty() && (!l || !l->is_object())) return false;
  for (const auto& kv : want) {
    const json::value* v = l->as_object().if_contains(kv.key());
    if (!v || *v != kv.value()) return false;
  }
  return true;
}

void MergeLabels(json::value& live, const json::object& want) {
  json::value& meta = live.as_object()["metadata"];
  json::value& labels = meta.as_object()["labels"];
  if (!labels.is_object()) labels = json::object();
  for (const auto& kv : want) labels.as_object()[kv.key()] = kv.value();
}

// Creates `want` at collection/name, or brings the fields in `owned` (of the
// top level or, for services, of spec) and the labels of a live object to it.
Status Ensure(client::Interface* api, const std::string& collection, const json::object& want,
              const std::vector<std::vector<std::string>>& owned, bool recreate_on_ip_change) {
  std::string name = GetString(want, {"metadata", "name"});
  std::string path = collection + "/" + name;
  const json::object& labels = want.at("metadata").at("labels").as_object();
  const json::value want_v(want);
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto live = api->Get(path);
    if (!live.ok()) {
      if (live.status().reason() != Reason::kNotFound) return live.status();
      auto c = api->Create(collection, want);
      if (c.ok() || c.status().reason() != Reason::kAlreadyExists) return c.status();
      continue;
    }
    if (recreate_on_ip_change &&
        GetString(*live, {"spec", "clusterIP"}) != GetString(want, {"spec", "clusterIP"})) {
      Status d = api->Delete(path);
      if (!d.ok() && d.reason() != Reason::kNotFound) return d;
      continue;
    }
    bool same = HasLabels(*live, labels);
    for (const auto& p : owned) {
      const json::value* have = At(*live, p);
      const json::value* need = At(want_v, p);
      if ((have == nullptr) != (need == nullptr) || (have && *have != *need)) same = false;
    }
    if (same) return {};
    json::value upd = *live;
    MergeLabels(upd, labels);
    for (const auto& p : owned) {
      json::object* parent = &upd.as_object();
      for (size_t i = 0; i + 1 < p.size(); ++i) {
        json::value& next = (*parent)[p[i]];
        if (!next.is_object()) next = json::object();
        parent = &next.as_object();
      }
      const json::value* need = At(want_v, p);
      if (need) {
        (*parent)[p.back()] = *need;
      } else {
        parent->erase(p.back());
      }
    }
    auto u = api->Update(path, upd);
    if (u.ok() || u.status().reason() != Reason::kConflict) return u.status();
  }
  return Status(Reason::kConflict, "could not update " + path + ": too many concurrent changes");
}

}  // namespace

Status EnsureBuiltinServices(client::Interface* api, const BuiltinServicesOptions& o) {
  Status first;
  auto note = [&first](Status s) {
    if (!s.ok() && first.ok()) first = std::move(s);
  };
  const std::vector<std::vector<std::string>> svc_owned = {
      {"spec", "type"}, {"spec", "ports"}, {"spec", "selector"}};

  json::object k8s = Service(
      "default", "kubernetes",
      json::object{{"component", "apiserver"}, {"provider", "kubernetes"}},
      o.service_cidr.At(kKubernetesServiceOffset),
      json::array{ServicePort("https", 443, "TCP", o.api_port)});
  note(Ensure(api, "/api/v1/namespaces/default/services", k8s, svc_owned, true));

  json::object port{{"name", "https"}, {"port", o.api_port}, {"protocol", "TCP"}};
  json::object endpoints{
      {"apiVersion", "v1"},
      {"kind", "Endpoints"},
      {"metadata",
       Meta("default", "kubernetes",
            json::object{{"endpointslice.kubernetes.io/skip-mirror", "true"}})},
      {"subsets", json::array{json::object{
                      {"addresses", json::array{json::object{{"ip", o.advertise_address}}}},
                      {"ports", json::array{port}}}}}};
  note(Ensure(api, "/api/v1/namespaces/default/endpoints", endpoints, {{"subsets"}}, false));

  json::object slice{
      {"apiVersion", "discovery.k8s.io/v1"},
      {"kind", "EndpointSlice"},
      {"metadata",
       Meta("default", "kubernetes", json::object{{"kubernetes.io/service-name", "kubernetes"}})},
      {"addressType", "IPv4"},
      {"endpoints", json::array{json::object{
                        {"addresses", json::array{json::value(o.advertise_address)}},
                        {"conditions", json::object{{"ready", true}}}}}},
      {"ports", json::array{port}}};
  note(Ensure(api, "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", slice,
              {{"addressType"}, {"endpoints"}, {"ports"}}, false));

  if (kDnsServiceOffset <= o.service_cidr.size()) {
    json::object dns = Service(
        "kube-system", "kube-dns",
        json::object{{"k8s-app", "kube-dns"},
                     {"kubernetes.io/cluster-service", "true"},
                     {"kubernetes.io/name", "berth-dns"}},
        o.service_cidr.At(kDnsServiceOffset),
        json::array{ServicePort("dns", 53, "UDP", 53), ServicePort("dns-tcp", 53, "TCP", 53)});
    note(Ensure(api, "/api/v1/namespaces/kube-system/services", dns, svc_owned, true));
  }
  return first;
}

}  // namespace berth::apiserver::services

#include "dns/cluster_dns.h"

#include "controller/informer.h"
#include "dns/forwarder.h"
#include "dns/k8s_objects.h"
#include "dns/resolver.h"
#include "dns/server.h"
#include "dns/zone.h"

namespace berth::dns {

namespace {
constexpr std::chrono::milliseconds kUpstreamTimeout{2000};
}  // namespace

ClusterDns::ClusterDns(client::Interface* api, ClusterDnsOptions options)
    : api_(api), options_(std::move(options)), zone_(std::make_unique<Zone>(options_.cluster_domain)) {}

ClusterDns::~ClusterDns() { Stop(); }

Status ClusterDns::Start() {
  std::vector<sockaddr_in> upstreams;
  for (const std::string& u : options_.upstreams) {
    StatusOr<sockaddr_in> a = ParseHostPort(u);
    if (!a.ok()) return a.status();
    upstreams.push_back(*a);
  }
  std::vector<sockaddr_in> listen;
  for (const std::string& l : options_.listen) {
    StatusOr<sockaddr_in> a = ParseHostPort(l);
    if (!a.ok()) return a.status();
    listen.push_back(*a);
  }
  forwarder_ = std::make_unique<Forwarder>(std::move(upstreams), kUpstreamTimeout);
  resolver_ = std::make_unique<Resolver>(
      zone_.get(), ResolverOptions{options_.ttl, !forwarder_->empty()});
  for (const sockaddr_in& a : listen) {
    auto server = std::make_unique<DnsServer>(resolver_.get(), forwarder_.get(), a,
                                              options_.udp_threads);
    Status st = server->Start();
    if (!st.ok()) {
      servers_.clear();
      return st;
    }
    servers_.push_back(std::move(server));
  }

  services_ = std::make_unique<controller::Informer>(api_, "/api/v1/services");
  slices_ = std::make_unique<controller::Informer>(api_, "/apis/discovery.k8s.io/v1/endpointslices");
  Zone* zone = zone_.get();
  auto upsert_service = [zone](const controller::ObjectPtr& obj) {
    if (auto svc = ServiceFromObject(*obj)) zone->UpsertService(std::move(*svc));
  };
  services_->AddHandler(controller::EventHandler{
      upsert_service,
      [upsert_service](const controller::ObjectPtr&, const controller::ObjectPtr& obj) {
        upsert_service(obj);
      },
      [zone](const controller::ObjectPtr& obj) {
        zone->RemoveService(GetString(*obj, {"metadata", "namespace"}),
                            GetString(*obj, {"metadata", "name"}));
      }});
  auto upsert_slice = [zone](const controller::ObjectPtr& obj) {
    if (auto slice = SliceFromObject(*obj)) {
      zone->UpsertSlice(std::move(*slice));
    } else {  // lost its service label: it no longer contributes
      zone->RemoveSlice(GetString(*obj, {"metadata", "namespace"}),
                        GetString(*obj, {"metadata", "name"}));
    }
  };
  slices_->AddHandler(controller::EventHandler{
      upsert_slice,
      [upsert_slice](const controller::ObjectPtr&, const controller::ObjectPtr& obj) {
        upsert_slice(obj);
      },
      [zone](const controller::ObjectPtr& obj) {
        zone->RemoveSlice(GetString(*obj, {"metadata", "namespace"}),
                          GetString(*obj, {"metadata", "name"}));
      }});
  services_->Start();
  slices_->Start();
  return Status::Ok();
}

void ClusterDns::Stop() {
  if (services_) services_->Stop();
  if (slices_) slices_->Stop();
  for (auto& s : servers_) s->Stop();
  servers_.clear();
  services_.reset();
  slices_.reset();
}

std::vector<uint16_t> ClusterDns::ports() const {
  std::vector<uint16_t> out;
  for (const auto& s : servers_) out.push_back(s->port());
  return out;
}

}  // namespace berth::dns

#include "agent/agent.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <fstream>
#include <sstream>

#include "client/event_recorder.h"
#include "agent/node_status.h"
#include "agent/pod_manager.h"
#include "agent/stream_server.h"
#include "agent/volumes.h"
#include "apiserver/tls/atomic_file.h"
#include "common/subprocess.h"
#include "dns/cluster_dns.h"
#include "network/ipv4_cidr.h"
#include "proxy/proxier.h"

namespace berth::agent {
namespace fs = std::filesystem;

struct Agent::Impl {
  AgentOptions opts;
  AgentContext ctx;
  std::unique_ptr<client::ApiClient> api;
  std::unique_ptr<image::ImageStore> images;
  std::unique_ptr<network::PodNetwork> network;
  std::unique_ptr<runtime::Runtime> runtime;
  std::unique_ptr<client::EventRecorder> events;
  std::unique_ptr<StreamServer> streams;
  std::unique_ptr<NodeStatusReporter> node;
  std::unique_ptr<PodManager> pods;
  std::unique_ptr<proxy::Proxier> proxier;
  std::unique_ptr<dns::ClusterDns> dns;
  // The fake runtime only moves when ticked: a thread delivers its scripted exits.
  std::thread fake_ticker;
  std::atomic<bool> stop_ticker{false};
};

std::string ClusterDnsAddress(const std::string& service_cidr) {
  std::string base = service_cidr.substr(0, service_cidr.find('/'));
  in_addr a{};
  if (inet_pton(AF_INET, base.c_str(), &a) != 1) return "";
  uint32_t v = ntohl(a.s_addr) + 10;
  a.s_addr = htonl(v);
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

namespace {

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status(Reason::kNotFound, "cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Credentials in <data>/node/credentials.json, or joined with the token and stored there.
StatusOr<apiserver::nodes::NodeCredentials> LoadOrJoin(const AgentOptions& o) {
  std::string path = o.data_dir + "/node/credentials.json";
  if (auto text = ReadFile(path); text.ok()) {
    auto v = ParseJson(*text);
    if (v.ok()) {
      auto c = apiserver::nodes::CredentialsFromJson(*v);
      if (c.ok()) return c;
    }
  }
  if (o.credentials) {
    fs::create_directories(o.data_dir + "/node");
    BERTH_RETURN_IF_ERROR(apiserver::tls::WriteFileAtomically(
        path, json::serialize(apiserver::nodes::CredentialsToJson(*o.credentials)), 0600));
    return *o.credentials;
  }
  if (o.token_file.empty()) return BadRequest("no node credentials and no --token-file to join with");
  auto token = ReadFile(o.token_file);
  if (!token.ok()) return token.status();
  std::string t = *token;
  while (!t.empty() && isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  client::ClientConfig cfg;
  cfg.server = o.server;
  cfg.token = t;
  client::ApiClient join(cfg);
  json::object body{{"nodeName", o.node_name}, {"addresses", json::array{json::value(o.node_ip)}}};
  auto r = join.Do("POST", apiserver::nodes::kJoinPath, json::serialize(body));
  if (!r.ok()) return r.status();
  if (r->status != 200) return client::StatusFromResponse(r->status, r->body);
  auto v = ParseJson(r->body);
  if (!v.ok()) return v.status();
  auto c = apiserver::nodes::CredentialsFromJson(*v);
  if (!c.ok()) return c.status();
  fs::create_directories(o.data_dir + "/node");
  BERTH_RETURN_IF_ERROR(apiserver::tls::WriteFileAtomically(path, r->body, 0600));
  return c;
}

}  // namespace

Agent::Agent(AgentOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(options);
  if (impl_->opts.shim_binary.empty()) {
    std::error_code ec;
    impl_->opts.shim_binary = fs::read_symlink("/proc/self/exe", ec).string();
  }
}

Agent::~Agent() { Stop(); }

int Agent::stream_port() const { return impl_->streams ? impl_->streams->port() : 0; }

static std::unique_ptr<runtime::Runtime> MakeRuntime(const AgentOptions& o) {
  if (o.runtime == "fake") return runtime::NewFakeRuntime(&SystemClock::Get());
  runtime::RuncOptions r;
  r.runc_root = "/run/berth/" + o.cluster + "/runc";
  r.state_dir = o.data_dir + "/runtime";
  r.cgroup_parent = "berth-" + o.cluster;
  r.shim_binary = o.shim_binary;
  return runtime::NewRuncRuntime(r);
}

// The bridge's own address (the pods' gateway): where the node-local DNS listens.
static std::string GatewayAddress(const AgentOptions& o) {
  auto cidr = network::ParseIpv4Cidr(o.pod_cidr);
  return cidr.ok() ? cidr->FirstHost() : "";
}

static std::unique_ptr<proxy::Proxier> MakeProxier(client::Interface* api, const AgentOptions& o) {
  proxy::ProxyOptions p;
  p.table = "berth-" + o.cluster;
  p.node_name = o.node_name;
  p.pod_cidr = o.pod_cidr;
  p.service_cidr = o.service_cidr;
  p.dns_cluster_ip = ClusterDnsAddress(o.service_cidr);
  p.dns_target_ip = GatewayAddress(o);
  p.dns_target_port = 53;
  return std::make_unique<proxy::Proxier>(api, p, proxy::NewNftRunner());
}

// Replies between pods on one bridge must pass the nat hooks to be un-DNATed (kube-proxy
// needs the same); the setting is host-wide, so it is only ever switched on.
static void EnableBridgeNetfilter() {
  const char* path = "/proc/sys/net/bridge/bridge-nf-call-iptables";
  std::ifstream in(path);
  std::string v;
  if (!(in >> v)) {
    fprintf(stderr, "agent: %s missing (br_netfilter not loaded): pod-to-service traffic between "
                    "pods of one node may fail\n", path);
    return;
  }
  if (v == "1") return;
  std::ofstream out(path);
  out << "1\n";
}

static std::unique_ptr<network::PodNetwork> MakeNetwork(const AgentOptions& o) {
  network::NetworkConfig n;
  n.cluster = o.cluster;
  n.bridge = o.bridge;
  n.pod_cidr = o.pod_cidr;
  n.state_dir = o.data_dir + "/network";
  if (!o.service_cidr.empty()) n.routes.push_back(o.service_cidr);
  return network::NewCniNetwork(n);
}

Status Agent::Start() {
  Impl& m = *impl_;
  const AgentOptions& o = m.opts;
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (ec) return InternalError("create " + o.data_dir + ": " + ec.message());
  auto creds = LoadOrJoin(o);
  if (!creds.ok()) return creds.status();
  client::ClientConfig cfg;
  cfg.server = o.server;
  cfg.ca_pem = creds->ca_cert_pem;
  cfg.cert_pem = creds->client_cert_pem;
  cfg.key_pem = creds->client_key_pem;
  cfg.user_agent = "berth-agent/" + o.node_name;
  // Watches get a bookmark every ~10 s; 30 s of silence means the connection is dead.
  cfg.stream_idle_timeout = std::chrono::milliseconds(30000);
  m.api = std::make_unique<client::ApiClient>(cfg);

  bool fake = o.runtime == "fake";
  if (!fake) {
    auto store = image::OpenImageStore(o.data_dir + "/image-store");
    if (!store.ok()) return store.status();
    m.images = std::move(*store);
    // Archives dropped in <data>/images/ are imported at start (air-gapped installs).
    for (const auto& e : fs::directory_iterator(o.data_dir + "/images", ec)) {
      if (!e.is_regular_file()) continue;
      auto imported = m.images->ImportArchive(e.path().string());
      if (!imported.ok())
        fprintf(stderr, "agent: importing %s: %s\n", e.path().c_str(),
                imported.status().ToString().c_str());
    }
    m.network = MakeNetwork(o);
    BERTH_RETURN_IF_ERROR(m.network->Init());
    // Nothing addressed to the service CIDR may leave by the default route.
    if (!o.service_cidr.empty()) {
      auto r = RunChecked({"ip", "route", "replace", o.service_cidr, "dev", o.bridge});
      if (!r.ok()) return r.status();
    }
    EnableBridgeNetfilter();
    // Services before pods: a pod's first request may go to a service or to the DNS.
    m.proxier = MakeProxier(m.api.get(), o);
    BERTH_RETURN_IF_ERROR(m.proxier->Start());
    dns::ClusterDnsOptions d;
    d.cluster_domain = o.cluster_domain;
    d.listen = {GatewayAddress(o) + ":53"};
    d.upstreams = o.dns_upstreams;
    m.dns = std::make_unique<dns::ClusterDns>(m.api.get(), d);
    BERTH_RETURN_IF_ERROR(m.dns->Start());
  }
  m.runtime = MakeRuntime(o);
  if (fake) {
    auto* fr = static_cast<runtime::FakeRuntime*>(m.runtime.get());
    m.fake_ticker = std::thread([&m, fr] {
      while (!m.stop_ticker) {
        fr->Tick();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  m.ctx.api = m.api.get();
  m.ctx.runtime = m.runtime.get();
  m.ctx.network = m.network.get();
  m.ctx.images = m.images.get();
  m.ctx.clock = &SystemClock::Get();
  m.ctx.node_name = o.node_name;
  m.ctx.node_ip = o.node_ip;
  m.ctx.data_dir = o.data_dir;
  m.ctx.cluster_dns = ClusterDnsAddress(o.service_cidr);
  m.ctx.cluster_domain = o.cluster_domain;
  m.ctx.insecure_registries = o.insecure_registries;
  m.ctx.fake_runtime = fake;
  {
    // Same figures as the Node's allocatable (node_status.cc: whole cores, memory less 100 MiB).
    HostInfo host = ReadHostInfo(o.data_dir);
    m.ctx.allocatable_cpu_millis = host.cpu_millis / 1000 * 1000;
    m.ctx.allocatable_memory_bytes = std::max<int64_t>(0, host.memory_bytes - (100 << 20));
  }
  m.events = std::make_unique<client::EventRecorder>(m.api.get(), m.ctx.clock, "kubelet", o.node_name);
  m.ctx.events = m.events.get();

  apiserver::tls::Pki pki;
  pki.ca_cert_pem = creds->ca_cert_pem;
  pki.serving_cert_pem = creds->serving_cert_pem;
  pki.serving_key_pem = creds->serving_key_pem;
  if (!fake) {
    m.streams = std::make_unique<StreamServer>(&m.ctx, pki, o.node_ip,
                                               static_cast<uint16_t>(o.stream_port));
    BERTH_RETURN_IF_ERROR(m.streams->Start());
  }

  m.pods = std::make_unique<PodManager>(&m.ctx);
  PodManager* pods = m.pods.get();
  m.runtime->SetExitHandler([pods](const std::string& id) { pods->OnContainerExit(id); });

  NodeOptions no;
  no.pod_cidr = o.pod_cidr;
  no.stream_port = stream_port();
  no.runtime_version = fake ? "fake://0.1" : "runc://1.1";
  no.lease_renew = std::chrono::milliseconds(
      std::max<int64_t>(100, static_cast<int64_t>(o.lease_renew_seconds * 1000)));
  m.node = std::make_unique<NodeStatusReporter>(&m.ctx, no);
  BERTH_RETURN_IF_ERROR(m.node->Start());
  m.pods->Start();
  return Status::Ok();
}

void Agent::Stop() {
  Impl& m = *impl_;
  if (m.pods) m.pods->Stop();
  if (m.node) m.node->Stop();
  if (m.streams) m.streams->Stop();
  // The proxy's rules stay in place: a restarted agent keeps services reachable meanwhile.
  if (m.proxier) m.proxier->Stop();
  if (m.dns) m.dns->Stop();
  m.stop_ticker = true;
  if (m.fake_ticker.joinable()) m.fake_ticker.join();
  m.pods.reset();
  m.node.reset();
  m.streams.reset();
  m.dns.reset();
  m.proxier.reset();
  m.events.reset();
}

Status Agent::Destroy() {
  Impl& m = *impl_;
  Stop();
  Status first;
  if (m.opts.runtime != "fake") {
    if (!m.runtime) m.runtime = MakeRuntime(m.opts);
    Status s = m.runtime->Destroy();
    if (!s.ok()) first = s;
    // The proxy's table goes first (it only needs nft, no API).
    if (!m.proxier) m.proxier = MakeProxier(nullptr, m.opts);
    s = m.proxier->Destroy();
    if (!s.ok() && first.ok()) first = s;
    if (!m.network) m.network = MakeNetwork(m.opts);
    s = m.network->Destroy();
    if (!s.ok() && first.ok()) first = s;
    std::error_code ec;
    fs::remove_all("/run/berth/" + m.opts.cluster, ec);
    // tmpfs emptyDirs are mounted under the pod directories.
    for (auto it = fs::directory_iterator(m.opts.data_dir + "/pods", ec);
         !ec && it != fs::end(it); it.increment(ec))
      UnmountVolumes(it->path().string());
    fs::remove_all(m.opts.data_dir + "/pods", ec);
    fs::remove_all(m.opts.data_dir + "/logs", ec);
  }
  return first;
}

}  // namespace berth::agent

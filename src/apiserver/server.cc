#include "apiserver/server.h"

#include "apiserver/local_client.h"

#include <malloc.h>
#include <openssl/crypto.h>
#include <sys/stat.h>

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>

#include "api/kinds/kinds.h"
#include "api/protobuf/protobuf_body.h"
#include "apiserver/admission/limit_ranger.h"
#include "apiserver/admission/quota_admission.h"
#include "apiserver/rest/object_codec.h"
#include "apiserver/api_server.h"
#include "apiserver/nodes/node_proxy.h"
#include "apiserver/rest/status_json.h"
#include "apiserver/http/server.h"
#include "apiserver/namespace_finalizer.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/serviceaccount/sa_admission.h"
#include "apiserver/serviceaccount/token_authenticator.h"
#include "apiserver/serviceaccount/token_endpoints.h"
#include "apiserver/services/builtin_services.h"
#include "apiserver/services/service_allocator.h"
#include "apiserver/timer_service.h"
#include "apiserver/tls/kubeconfig.h"
#include "apiserver/tls/pki.h"
#include "apiserver/tls/server_tls_context.h"
#include "common/json.h"
#include "store/sqlite/sqlite_store.h"

namespace berth::apiserver {

struct Server::Impl {
  ServerOptions opts;
  std::unique_ptr<store::Store> store;
  tls::Pki pki;
  std::unique_ptr<auth::Authenticator> authn;
  std::unique_ptr<auth::Authorizer> authz;
  std::unique_ptr<TimerService> timers;
  std::unique_ptr<ResourceHandler> resources;
  std::unique_ptr<NamespaceFinalizer> finalizer;
  std::unique_ptr<ApiServer> api;
  std::unique_ptr<nodes::NodeProxy> node_proxy;
  std::string join_token;
  std::unique_ptr<HttpServer> http;
  std::string host;
  // After `store` and `resources`: its store watch goes first, and no request runs by then.
  std::unique_ptr<services::ServiceAllocator> service_alloc;
  // Admission steps (LimitRanger, then ResourceQuota) of every create.
  std::unique_ptr<admission::LimitRanger> limit_ranger;
  std::unique_ptr<admission::QuotaAdmission> quota_admission;
  // Service account tokens (signing key pki/sa.key), their authentication, the TokenRequest and
  // OIDC discovery endpoints, and the pod admission step that mounts them.
  std::unique_ptr<serviceaccount::TokenSigner> sa_signer;
  std::unique_ptr<serviceaccount::StoredObjects> sa_objects;
  std::unique_ptr<serviceaccount::TokenEndpoints> sa_tokens;
  std::unique_ptr<serviceaccount::ServiceAccountAdmission> sa_admission;
};

Server::Server(ServerOptions opts) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(opts);
}

Server::~Server() { Stop(); }

std::unique_ptr<client::Interface> Server::NewLocalClient(const std::string& user_agent,
                                                          const std::string& user) {
  return std::make_unique<LocalClient>(impl_->api.get(), user_agent, user);
}

const std::string& Server::ca_cert_pem() const { return impl_->pki.ca_cert_pem; }

uint16_t Server::port() const { return impl_->http ? impl_->http->port() : 0; }

std::string Server::url() const {
  std::string host = impl_->host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "https://" + host + ":" + std::to_string(port());
}

static Status SplitHostPort(const std::string& listen, std::string* host, uint16_t* port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return BadRequest("--listen must be HOST:PORT");
  *host = listen.substr(0, colon);
  if (host->size() > 1 && host->front() == '[') *host = host->substr(1, host->size() - 2);
  int p = std::atoi(listen.c_str() + colon + 1);
  if (p < 0 || p > 65535) return BadRequest("invalid port in --listen");
  *port = static_cast<uint16_t>(p);
  return {};
}

Status Server::Start() {
  Impl& m = *impl_;
  std::error_code ec;
  std::filesystem::create_directories(m.opts.data_dir, ec);
  if (ec) return InternalError("create " + m.opts.data_dir + ": " + ec.message());
  chmod(m.opts.data_dir.c_str(), 0700);
  uint16_t port = 0;
  BERTH_RETURN_IF_ERROR(SplitHostPort(m.opts.listen, &m.host, &port));

  std::vector<std::string> sans = m.opts.tls_sans;
  if (m.host != "0.0.0.0" && m.host != "::" && !m.host.empty()) sans.push_back(m.host);
  for (const std::string& h : m.opts.extra_listen_hosts) sans.push_back(h);
  if (!m.opts.advertise_address.empty()) sans.push_back(m.opts.advertise_address);
  // What in-cluster clients dial: the `kubernetes` service by IP and by name.
  if (auto svc = services::Ipv4Range::Parse(m.opts.service_cidr); svc.ok()) {
    sans.push_back(svc->At(services::kKubernetesServiceOffset));
  }
  for (const char* n : {"kubernetes", "kubernetes.default", "kubernetes.default.svc",
                        "kubernetes.default.svc.cluster.local"}) {
    sans.push_back(n);
  }
  auto pki = tls::LoadOrCreatePki(m.opts.data_dir, sans);
  if (!pki.ok()) return pki.status();
  m.pki = std::move(*pki);

  store::SqliteStore::Options so;
  // Like kube-apiserver's periodic etcd compaction: keep recent history for
  // watches and paging, drop the rest every minute.
  so.auto_compact_interval = std::chrono::seconds(60);
  so.auto_compact_keep_revisions = m.opts.history_revisions;
  auto st = store::SqliteStore::Open(m.opts.data_dir + "/state.db", so);
  if (!st.ok()) return st.status();
  m.store = std::move(*st);

  auto signer = serviceaccount::TokenSigner::LoadOrCreate(m.pki.dir + "/" +
                                                          serviceaccount::kSigningKeyFile);
  if (!signer.ok()) return signer.status();
  m.sa_signer = std::move(*signer);
  m.sa_objects =
      std::make_unique<serviceaccount::StoredObjects>(m.store.get(), &api::BuiltinRegistry());
  serviceaccount::IssuerConfig issuer;
  if (!m.opts.service_account_issuer.empty()) issuer.issuer = m.opts.service_account_issuer;
  m.sa_tokens = std::make_unique<serviceaccount::TokenEndpoints>(
      m.sa_signer.get(), m.sa_objects.get(), &SystemClock::Get(), issuer);

  std::vector<std::unique_ptr<auth::Authenticator>> authns;
  authns.push_back(auth::TokenAuthenticator::ForAdminToken(m.pki.admin_token));
  authns.push_back(std::make_unique<auth::CertAuthenticator>());
  authns.push_back(std::make_unique<serviceaccount::ServiceAccountTokenAuthenticator>(
      m.sa_signer.get(), m.sa_objects.get(), &SystemClock::Get(), m.sa_tokens->config().issuer,
      m.sa_tokens->config().audiences));
  m.authn = std::make_unique<auth::UnionAuthenticator>(std::move(authns));
  m.authz = std::make_unique<auth::NodeAuthorizer>();
  auto join_token = nodes::LoadOrCreateJoinToken(m.pki.dir);
  if (!join_token.ok()) return join_token.status();
  m.join_token = *join_token;

  const api::Registry& registry = api::BuiltinRegistry();
  protobuf_decoder = [&registry](const std::string& body, const api::ResourceType*) {
    return api::protobuf::DecodeProtobufBody(body, registry);
  };
  m.timers = std::make_unique<TimerService>();
  m.resources = std::make_unique<ResourceHandler>(m.store.get(), &registry, &SystemClock::Get(),
                                                  m.timers.get());
  m.finalizer = std::make_unique<NamespaceFinalizer>(m.store.get(), &registry);
  m.resources->on_namespace_terminating = [f = m.finalizer.get()](const std::string& ns) {
    f->Enqueue(ns);
  };

  // Service IPs and node ports: rebuilt from the stored Services before serving.
  auto cidr = services::Ipv4Range::Parse(m.opts.service_cidr);
  if (!cidr.ok()) return cidr.status();
  auto node_ports = services::PortRange::Parse(m.opts.service_node_port_range);
  if (!node_ports.ok()) return node_ports.status();
  if (auto svct = registry.Find("", "v1", "services")) {
    std::map<uint64_t, std::string> reserved{
        {services::kKubernetesServiceOffset, "default/kubernetes"}};
    if (services::kDnsServiceOffset <= cidr->size()) {
      reserved[services::kDnsServiceOffset] = "kube-system/kube-dns";
    }
    m.service_alloc = std::make_unique<services::ServiceAllocator>(
        *cidr, *node_ports, std::move(reserved), std::random_device{}());
    BERTH_RETURN_IF_ERROR(m.service_alloc->Rebuild(m.store.get(), *svct));
    m.resources->SetWriteHook(*svct, m.service_alloc.get());
  }

  m.sa_admission = std::make_unique<serviceaccount::ServiceAccountAdmission>(m.sa_objects.get());
  m.resources->AddAdmission(m.sa_admission.get());
  if (auto lrt = registry.Find("", "v1", "limitranges")) {
    m.limit_ranger = std::make_unique<admission::LimitRanger>(m.store.get(), lrt.get());
    m.resources->AddAdmission(m.limit_ranger.get());
  }
  if (auto rqt = registry.Find("", "v1", "resourcequotas")) {
    m.quota_admission = std::make_unique<admission::QuotaAdmission>(m.store.get(), rqt.get(),
                                                                    &SystemClock::Get());
    m.resources->AddAdmission(m.quota_admission.get());
  }

  // System namespaces exist from the start.
  if (auto nst = registry.Find("", "v1", "namespaces")) {
    for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      json::object obj{{"apiVersion", "v1"},
                       {"kind", "Namespace"},
                       {"metadata", json::object{{"name", ns}}}};
      auto r = m.resources->CreateObject(*nst, std::move(obj), "berth");
      if (!r.ok() && r.status().reason() != Reason::kAlreadyExists) return r.status();
    }
  }
  m.finalizer->ResumePending();
  ScheduleMemoryTrim();

  m.api = std::make_unique<ApiServer>(&registry, m.resources.get(), m.authn.get(), m.authz.get());
  m.node_proxy = std::make_unique<nodes::NodeProxy>(m.resources.get(), &registry, &m.pki);
  m.api->SetNodeProxy(m.node_proxy.get());
  m.api->SetServiceAccountTokens(m.sa_tokens.get());
  m.api->SetJoinHandler([this](const Request& req) { return Join(req); });
  auto ssl = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  BERTH_RETURN_IF_ERROR(tls::ConfigureServerTls(*ssl, m.pki));
  HttpServer::Options ho;
  ho.host = m.host;
  ho.port = port;
  ho.extra_hosts = m.opts.extra_listen_hosts;
  ho.worker_threads = m.opts.worker_threads;
  m.http = std::make_unique<HttpServer>(ho, ssl, m.api.get());
  BERTH_RETURN_IF_ERROR(m.http->Start());

  // The `kubernetes` and `kube-dns` services (their port is known only now).
  services::BuiltinServicesOptions bo;
  bo.service_cidr = *cidr;
  bo.api_port = port ? port : m.http->port();
  bo.advertise_address = m.opts.advertise_address;
  if (bo.advertise_address.empty()) {
    bo.advertise_address = services::ParseIpv4(m.host) && m.host != "0.0.0.0" ? m.host : "127.0.0.1";
  }
  if (!services::ParseIpv4(bo.advertise_address)) {
    return BadRequest("--advertise-address must be an IPv4 address");
  }
  auto bootstrap = NewLocalClient("berth-apiserver", "system:apiserver");
  if (Status s = services::EnsureBuiltinServices(bootstrap.get(), bo); !s.ok()) {
    std::cerr << "berth server: built-in services: " << s.message() << "\n";
  }

  // Only now, with the port answering, hand out the kubeconfig.
  return tls::WriteKubeconfig(m.opts.data_dir + "/kubeconfig", url(), m.pki);
}

StatusOr<nodes::NodeCredentials> Server::IssueNodeCredentials(
    const std::string& node_name, const std::vector<std::string>& addresses) {
  return nodes::IssueNodeCredentials(impl_->pki, node_name, addresses);
}

// POST /berth/v1/join: the join token buys a node identity (see nodes/node_credentials.h).
Response Server::Join(const Request& req) {
  if (req.method != "POST")
    return StatusResponse(Status(Reason::kMethodNotAllowed, "join takes POST"));
  auto token = auth::ParseBearerToken(req.Header("authorization"));
  const std::string& want = impl_->join_token;
  bool ok = token && token->size() == want.size() &&
            CRYPTO_memcmp(token->data(), want.data(), want.size()) == 0;
  if (!ok) return StatusResponse(auth::UnauthorizedStatus());
  auto body = ParseJson(req.body);
  if (!body.ok() || !body->is_object()) return StatusResponse(BadRequest("join: body must be a JSON object"));
  std::string name = GetString(body->as_object(), {"nodeName"});
  if (name.empty() || name.size() > 253) return StatusResponse(BadRequest("join: nodeName is required"));
  std::vector<std::string> addrs;
  if (const auto* a = GetPath(*body, {"addresses"}); a && a->is_array())
    for (const auto& v : a->as_array())
      if (v.is_string()) addrs.emplace_back(v.as_string());
  auto creds = IssueNodeCredentials(name, addrs);
  if (!creds.ok()) return StatusResponse(creds.status());
  Response r;
  r.body = json::serialize(nodes::CredentialsToJson(*creds));
  return r;
}

// Large lists and watch bursts leave freed pages in malloc's arenas; hand
// them back to the kernel every few seconds so RSS follows the live data.
void Server::ScheduleMemoryTrim() {
  TimerService* timers = impl_->timers.get();
  timers->After(std::chrono::seconds(5), [this] {
    malloc_trim(0);
    if (impl_->timers) ScheduleMemoryTrim();
  });
}

void Server::Stop() {
  Impl& m = *impl_;
  if (m.http) m.http->Stop();
  m.http.reset();
  m.finalizer.reset();
  m.timers.reset();
}

}  // namespace berth::apiserver

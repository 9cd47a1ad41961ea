#include "apiserver/nodes/node_proxy.h"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "apiserver/http/hijack.h"
#include "apiserver/http/websocket.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/status_json.h"

namespace berth::apiserver::nodes {

std::optional<std::string> ChooseLogProtocol(const std::string& header) {
  bool any = false;
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    std::string p = header.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = p.find_first_not_of(" \t"), e = p.find_last_not_of(" \t");
    p = b == std::string::npos ? "" : p.substr(b, e - b + 1);
    if (p == "binary.k8s.io") return p;
    any = any || !p.empty();
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (!any) return std::string();
  return std::nullopt;
}

NodeProxy::NodeProxy(ResourceHandler* resources, const api::Registry* registry, const tls::Pki* pki)
    : resources_(resources), registry_(registry), pki_(pki) {}

client::ApiClient* NodeProxy::ClientFor(const std::string& host, int port) {
  std::string key = host + ":" + std::to_string(port);
  std::lock_guard<std::mutex> lock(mu_);
  auto& c = clients_[key];
  if (!c) {
    client::ClientConfig cfg;
    cfg.server = "https://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                 ":" + std::to_string(port);
    cfg.ca_pem = pki_->ca_cert_pem;
    cfg.cert_pem = pki_->admin_cert_pem;
    cfg.key_pem = pki_->admin_key_pem;
    cfg.user_agent = "berth-apiserver";
    c = std::make_unique<client::ApiClient>(cfg);
  }
  return c.get();
}

StatusOr<NodeProxy::Target> NodeProxy::ResolveTarget(const RequestInfo& info, const Request& req) {
  api::ResourceTypePtr pods = registry_->Find("", "v1", "pods");
  api::ResourceTypePtr nodes = registry_->Find("", "v1", "nodes");
  auto pod = resources_->GetObject(*pods, info.namespace_, info.name);
  if (!pod.ok()) return pod.status();
  std::string container = req.Query("container").value_or("");
  std::vector<std::string> names;
  if (const auto* cs = GetPath(*pod, {"spec", "containers"}); cs && cs->is_array())
    for (const auto& c : cs->as_array()) names.push_back(GetString(c.as_object(), {"name"}));
  std::vector<std::string> init_names;
  for (const char* list : {"initContainers", "ephemeralContainers"})
    if (const auto* cs = GetPath(*pod, {"spec", list}); cs && cs->is_array())
      for (const auto& c : cs->as_array()) init_names.push_back(GetString(c.as_object(), {"name"}));
  if (container.empty()) {
    if (names.size() != 1) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : " ") + n;
      return BadRequest("a container name must be specified for pod " + info.name +
                        ", choose one of: [" + list + "]");
    }
    container = names[0];
  } else if (std::find(names.begin(), names.end(), container) == names.end() &&
             std::find(init_names.begin(), init_names.end(), container) == init_names.end()) {
    return BadRequest("container " + container + " is not valid for pod " + info.name);
  }
  std::string node_name = GetString(*pod, {"spec", "nodeName"});
  if (node_name.empty()) return BadRequest("pod " + info.name + " does not have a host assigned");
  auto node = resources_->GetObject(*nodes, "", node_name);
  if (!node.ok()) return node.status();
  Target t;
  t.container = container;
  if (const auto* addrs = GetPath(*node, {"status", "addresses"}); addrs && addrs->is_array())
    for (const auto& a : addrs->as_array())
      if (GetString(a.as_object(), {"type"}) == "InternalIP" && t.host.empty())
        t.host = GetString(a.as_object(), {"address"});
  t.port = static_cast<int>(GetInt(*node, {"status", "daemonEndpoints", "kubeletEndpoint", "Port"}));
  if (t.host.empty() || t.port <= 0)
    return Status(Reason::kServiceUnavailable, "node " + node_name + " has no agent endpoint");
  return t;
}

void NodeProxy::ServeLogs(const RequestInfo& info, const Request& req,
                          std::shared_ptr<Responder> responder) {
  auto fail = [&](const Status& s) { responder->Send(StatusResponse(s)); };
  if (req.method != "GET")
    return fail(Status(Reason::kMethodNotAllowed,
                       "the server does not allow this method on the requested resource"));
  auto target = ResolveTarget(info, req);
  if (!target.ok()) return fail(target.status());
  const std::string& container = target->container;
  const std::string& host = target->host;
  int port = target->port;

  std::string path = "/containerLogs/" + info.namespace_ + "/" + info.name + "/" + container;
  std::string sep = "?";
  for (const char* p : {"follow", "previous", "tailLines", "sinceSeconds", "sinceTime",
                        "timestamps", "limitBytes"}) {
    if (auto v = req.Query(p)) {
      path += sep + p + "=" + client::QueryEscape(*v);
      sep = "&";
    }
  }
  client::ApiClient* agent = ClientFor(host, port);
  std::string upgrade = req.Header("upgrade");
  for (auto& c : upgrade) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  if (upgrade == "websocket") {
    // The log as binary WebSocket messages (binary.k8s.io), then a close frame.
    auto protocol = ChooseLogProtocol(req.Header("sec-websocket-protocol"));
    if (!protocol)
      return fail(BadRequest("no supported WebSocket subprotocol in [" +
                             req.Header("sec-websocket-protocol") + "] (berth serves binary.k8s.io)"));
    std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: " + ws::AcceptKey(req.Header("sec-websocket-key")) + "\r\n" +
                       (protocol->empty() ? "" : "Sec-WebSocket-Protocol: " + *protocol + "\r\n") + "\r\n";
    return responder->Hijack([agent, path, head](HijackedConnection c) {
      if (!TlsWriteAll(*c.stream, head)) return;
      std::atomic<bool> stop{false};
      bool open = true;
      Status s = agent->Stream(
          path,
          [&](std::string_view data) {
            open = TlsWriteAll(*c.stream, ws::Frame(ws::kBinary, std::string(data)));
            return open;
          },
          &stop);
      if (!open) return;
      std::string close_payload("\x03\xe8", 2);  // 1000: normal closure
      if (!s.ok()) {
        // The agent's refusal (no such container...) as the close reason.
        close_payload = std::string("\x03\xf3", 2) + s.message().substr(0, 120);  // 1011
      }
      TlsWriteAll(*c.stream, ws::Frame(ws::kClose, close_payload));
      boost::system::error_code ignored;
      c.stream->shutdown(ignored);
    });
  }
  std::shared_ptr<StreamWriter> stream;
  auto stop = std::make_shared<std::atomic<bool>>(false);
  Status s = agent->Stream(
      path,
      [&](std::string_view data) {
        if (!stream) {
          stream = responder->StartStream(200, "text/plain");
          stream->OnClose([stop] { *stop = true; });
        }
        return stream->Write(std::string(data));
      },
      stop.get());
  if (stream) {
    stream->Close();
    return;
  }
  if (!s.ok()) return fail(s);
  responder->Send(Response{200, "text/plain", "", {}});
}

}  // namespace berth::apiserver::nodes

namespace berth::apiserver::nodes {
namespace {

// A TLS connection from the API server to an agent, kept alive by the relay.
struct AgentConn {
  boost::asio::io_context ioc;
  boost::asio::ssl::context ssl{boost::asio::ssl::context::tls_client};
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> stream;
};

// Relays bytes between the client and the agent until either side closes. One thread serves
// both directions (a TLS engine must not be used from two threads at once).
void Relay(HijackedConnection& client, AgentConn& agent, const std::string& to_client) {
  auto& c = *client.stream;
  auto& a = *agent.stream;
  int a_fd = a.lowest_layer().native_handle();
  if (!to_client.empty() && !TlsWriteAll(c, to_client)) return;
  if (!client.leftover.empty() && !TlsWriteAll(a, client.leftover)) return;
  char buf[32768];
  while (true) {
    bool c_pending = TlsHasPending(c), a_pending = TlsHasPending(a);
    pollfd p[2] = {{client.fd, POLLIN, 0}, {a_fd, POLLIN, 0}};
    if (!c_pending && !a_pending) {
      if (poll(p, 2, 1000) <= 0) continue;
    }
    if (c_pending || (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      long r = TlsReadSome(c, buf, sizeof buf);
      if (r <= 0 || !TlsWriteAll(a, std::string(buf, static_cast<size_t>(r)))) return;
    }
    if (a_pending || (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      long r = TlsReadSome(a, buf, sizeof buf);
      if (r <= 0 || !TlsWriteAll(c, std::string(buf, static_cast<size_t>(r)))) return;
    }
  }
}

}  // namespace

void NodeProxy::ServeExec(const RequestInfo& info, const Request& req,
                          std::shared_ptr<Responder> responder) {
  auto fail = [&](const Status& s) { responder->Send(StatusResponse(s)); };
  // Resolve first: kubectl shows the user only the answer to its SPDY fallback, so that answer
  // must carry the real reason (unknown container, no node...).
  auto target = ResolveTarget(info, req);
  if (!target.ok()) return fail(target.status());
  std::string upgrade = req.Header("upgrade");
  for (auto& c : upgrade) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  if (upgrade != "websocket")
    return fail(BadRequest("SPDY upgrade not supported: berth streams exec over WebSocket "
                           "(v5.channel.k8s.io)"));
  auto agent = std::make_shared<AgentConn>();
  boost::system::error_code ec;
  agent->ssl.add_certificate_authority(boost::asio::buffer(pki_->ca_cert_pem), ec);
  agent->ssl.use_certificate_chain(boost::asio::buffer(pki_->admin_cert_pem), ec);
  agent->ssl.use_private_key(boost::asio::buffer(pki_->admin_key_pem), boost::asio::ssl::context::pem, ec);
  agent->ssl.set_verify_mode(boost::asio::ssl::verify_peer);
  agent->stream = std::make_unique<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>>(agent->ioc, agent->ssl);
  boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address(target->host, ec),
                                    static_cast<uint16_t>(target->port));
  if (!ec) agent->stream->lowest_layer().connect(ep, ec);
  if (!ec) agent->stream->handshake(boost::asio::ssl::stream_base::client, ec);
  if (ec)
    return fail(Status(Reason::kServiceUnavailable, "agent " + target->host + ":" +
                                                        std::to_string(target->port) + ": " + ec.message()));
  std::string query = req.target.find('?') == std::string::npos ? "" : req.target.substr(req.target.find('?'));
  std::string head = "GET /exec/" + info.namespace_ + "/" + info.name + "/" + target->container + query +
                     " HTTP/1.1\r\nHost: " + target->host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + req.Header("sec-websocket-key") +
                     "\r\nSec-WebSocket-Protocol: " + req.Header("sec-websocket-protocol") + "\r\n\r\n";
  boost::asio::write(*agent->stream, boost::asio::buffer(head), ec);
  std::string resp;
  char buf[4096];
  size_t end = std::string::npos;
  while (!ec && (end = resp.find("\r\n\r\n")) == std::string::npos && resp.size() < 65536) {
    size_t n = agent->stream->read_some(boost::asio::buffer(buf), ec);
    resp.append(buf, n);
  }
  if (end == std::string::npos)
    return fail(Status(Reason::kServiceUnavailable, "agent closed the exec stream: " + ec.message()));
  int code = std::atoi(resp.c_str() + resp.find(' ') + 1);
  if (code != 101) {
    // Pass the agent's refusal (a Status) through; read the rest of its body.
    std::string body = resp.substr(end + 4);
    size_t cl_pos = resp.find("Content-Length: ");
    if (cl_pos == std::string::npos) cl_pos = resp.find("content-length: ");
    size_t want = cl_pos == std::string::npos ? body.size() : static_cast<size_t>(std::atoll(resp.c_str() + cl_pos + 16));
    while (body.size() < want && !ec) {
      size_t n = agent->stream->read_some(boost::asio::buffer(buf), ec);
      body.append(buf, n);
    }
    Response r;
    r.status = code;
    r.body = body;
    return responder->Send(std::move(r));
  }
  responder->Hijack([agent, resp](HijackedConnection c) mutable { Relay(c, *agent, resp); });
}

}  // namespace berth::apiserver::nodes

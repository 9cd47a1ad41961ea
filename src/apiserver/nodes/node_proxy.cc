#include "apiserver/nodes/node_proxy.h"

#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/status_json.h"

namespace berth::apiserver::nodes {

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

void NodeProxy::ServeLogs(const RequestInfo& info, const Request& req,
                          std::shared_ptr<Responder> responder) {
  auto fail = [&](const Status& s) { responder->Send(StatusResponse(s)); };
  if (req.method != "GET")
    return fail(Status(Reason::kMethodNotAllowed,
                       "the server does not allow this method on the requested resource"));
  api::ResourceTypePtr pods = registry_->Find("", "v1", "pods");
  api::ResourceTypePtr nodes = registry_->Find("", "v1", "nodes");
  auto pod = resources_->GetObject(*pods, info.namespace_, info.name);
  if (!pod.ok()) return fail(pod.status());
  std::string container = req.Query("container").value_or("");
  std::vector<std::string> names;
  if (const auto* cs = GetPath(*pod, {"spec", "containers"}); cs && cs->is_array())
    for (const auto& c : cs->as_array()) names.push_back(GetString(c.as_object(), {"name"}));
  std::vector<std::string> init_names;
  if (const auto* cs = GetPath(*pod, {"spec", "initContainers"}); cs && cs->is_array())
    for (const auto& c : cs->as_array()) init_names.push_back(GetString(c.as_object(), {"name"}));
  if (container.empty()) {
    if (names.size() != 1) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : " ") + n;
      return fail(BadRequest("a container name must be specified for pod " + info.name +
                             ", choose one of: [" + list + "]"));
    }
    container = names[0];
  } else if (std::find(names.begin(), names.end(), container) == names.end() &&
             std::find(init_names.begin(), init_names.end(), container) == init_names.end()) {
    return fail(BadRequest("container " + container + " is not valid for pod " + info.name));
  }
  std::string node_name = GetString(*pod, {"spec", "nodeName"});
  if (node_name.empty())
    return fail(BadRequest("pod " + info.name + " does not have a host assigned"));
  auto node = resources_->GetObject(*nodes, "", node_name);
  if (!node.ok()) return fail(node.status());
  std::string host;
  if (const auto* addrs = GetPath(*node, {"status", "addresses"}); addrs && addrs->is_array())
    for (const auto& a : addrs->as_array())
      if (GetString(a.as_object(), {"type"}) == "InternalIP" && host.empty())
        host = GetString(a.as_object(), {"address"});
  int port = static_cast<int>(GetInt(*node, {"status", "daemonEndpoints", "kubeletEndpoint", "Port"}));
  if (host.empty() || port <= 0)
    return fail(Status(Reason::kServiceUnavailable, "node " + node_name + " has no agent endpoint"));

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

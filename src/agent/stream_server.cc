#include "agent/stream_server.h"

#include <dirent.h>

#include <algorithm>
#include <filesystem>

#include "agent/exec_endpoint.h"
#include "agent/log_reader.h"
#include "agent/pod_worker.h"
#include "apiserver/rest/status_json.h"
#include "apiserver/tls/server_tls_context.h"

namespace berth::agent {
namespace fs = std::filesystem;

StreamServer::StreamServer(AgentContext* ctx, const apiserver::tls::Pki& pki, std::string host,
                           uint16_t port)
    : ctx_(ctx), ssl_(std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server)) {
  init_ = apiserver::tls::ConfigureServerTls(*ssl_, pki);
  apiserver::HttpServer::Options o;
  o.host = host;
  o.port = port;
  o.io_threads = 1;
  o.worker_threads = 8;
  http_ = std::make_unique<apiserver::HttpServer>(o, ssl_, this);
}

StreamServer::~StreamServer() { Stop(); }

Status StreamServer::Start() {
  if (!init_.ok()) return init_;
  return http_->Start();
}

void StreamServer::Stop() {
  if (http_) http_->Stop();
}

uint16_t StreamServer::port() const { return http_->port(); }


void StreamServer::Handle(apiserver::Request req, std::shared_ptr<apiserver::Responder> responder) {
  if (req.path == "/healthz") {
    responder->Send({200, "text/plain", "ok", {}});
    return;
  }
  bool master = req.peer.verified &&
                std::find(req.peer.organizations.begin(), req.peer.organizations.end(),
                          "system:masters") != req.peer.organizations.end();
  if (!master) {
    responder->Send(apiserver::StatusResponse(Status(Reason::kForbidden, "the agent serves the API server only")));
    return;
  }
  std::vector<std::string> parts;
  std::string p = req.path;
  size_t pos = 1;
  while (pos <= p.size()) {
    size_t next = p.find('/', pos);
    if (next == std::string::npos) next = p.size();
    parts.push_back(p.substr(pos, next - pos));
    pos = next + 1;
  }
  if (parts.size() == 4 && parts[0] == "containerLogs" && req.method == "GET") {
    ServeLogs(req, parts, responder);
    return;
  }
  if (parts.size() == 4 && parts[0] == "exec") {
    ServeExec(ctx_, req, parts[1], parts[2], parts[3], responder);
    return;
  }
  responder->Send(apiserver::StatusResponse(Status(Reason::kNotFound, "no such agent endpoint " + req.path)));
}

void StreamServer::ServeLogs(const apiserver::Request& req, const std::vector<std::string>& parts,
                             std::shared_ptr<apiserver::Responder> responder) {
  const std::string &ns = parts[1], &pod = parts[2], &container = parts[3];
  // The pod's log dir: <data>/logs/<ns>_<pod>_<uid>.
  std::string prefix = ns + "_" + pod + "_";
  std::string dir, uid;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(ctx_->data_dir + "/logs", ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) {
      dir = e.path().string();
      uid = name.substr(prefix.size());
    }
  }
  std::vector<int> attempts;
  if (!dir.empty())
    for (const auto& e : fs::directory_iterator(dir + "/" + container, ec)) {
      std::string f = e.path().filename().string();
      if (f.size() > 4 && f.substr(f.size() - 4) == ".log") attempts.push_back(std::atoi(f.c_str()));
    }
  std::sort(attempts.begin(), attempts.end());
  bool previous = req.Query("previous").value_or("false") == "true";
  if (attempts.empty() || (previous && attempts.size() < 2)) {
    std::string msg = previous ? "previous terminated container \"" + container + "\" in pod \"" +
                                     pod + "\" not found"
                               : "container \"" + container + "\" in pod \"" + pod +
                                     "\" is waiting to start: ContainerCreating";
    responder->Send(apiserver::StatusResponse(Status(Reason::kBadRequest, msg)));
    return;
  }
  int attempt = previous ? attempts[attempts.size() - 2] : attempts.back();
  std::string path = dir + "/" + container + "/" + std::to_string(attempt) + ".log";
  LogOptions opts;
  opts.timestamps = req.Query("timestamps").value_or("false") == "true";
  opts.follow = !previous && req.Query("follow").value_or("false") == "true";
  if (auto t = req.Query("tailLines")) opts.tail_lines = std::atoll(t->c_str());
  if (auto l = req.Query("limitBytes")) opts.limit_bytes = std::atoll(l->c_str());
  if (auto s = req.Query("sinceSeconds"))
    opts.since = ctx_->clock->Now() - std::chrono::seconds(std::atoll(s->c_str()));
  if (auto s = req.Query("sinceTime")) {
    Clock::time_point t;
    if (ParseRfc3339(*s, &t)) opts.since = t;
  }
  std::string id = ContainerId(uid, container, attempt);
  auto still_running = [this, id] {
    auto st = ctx_->runtime->Inspect(id);
    return st.ok() && st->state == runtime::ContainerState::kRunning;
  };
  auto stream = responder->StartStream(200, "text/plain");
  auto stop = std::make_shared<std::atomic<bool>>(false);
  stream->OnClose([stop] { *stop = true; });
  std::string batch;
  Status s = ReadContainerLog(
      path, opts,
      [&](const std::string& chunk) {
        batch += chunk;
        if (batch.size() >= 32768 || opts.follow) {
          bool ok = stream->Write(std::move(batch));
          batch.clear();
          return ok;
        }
        return true;
      },
      still_running, stop.get());
  if (!batch.empty()) stream->Write(std::move(batch));
  stream->Close();
}

}  // namespace berth::agent

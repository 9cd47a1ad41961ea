#include "agent/exec_endpoint.h"

#include <poll.h>
#include <unistd.h>

#include "agent/exec_protocol.h"
#include "agent/pod_worker.h"
#include <boost/asio/write.hpp>

#include "apiserver/http/hijack.h"
#include "apiserver/http/websocket.h"
#include "apiserver/rest/status_json.h"

namespace berth::agent {
namespace ws = apiserver::ws;

StatusOr<std::string> RunningContainerId(AgentContext* ctx, const std::string& ns,
                                         const std::string& pod, const std::string& container) {
  auto list = ctx->runtime->ListContainers();
  if (!list.ok()) return list.status();
  std::string best;
  int best_attempt = -1;
  bool any = false;
  for (const auto& c : *list) {
    auto get = [&](const char* k) {
      auto it = c.labels.find(k);
      return it == c.labels.end() ? std::string() : it->second;
    };
    if (get(kLabelPodNamespace) != ns || get(kLabelPodName) != pod ||
        get(kLabelContainerName) != container)
      continue;
    any = true;
    int attempt = std::atoi(get(kLabelAttempt).c_str());
    if (c.state == runtime::ContainerState::kRunning && attempt > best_attempt) {
      best = c.id;
      best_attempt = attempt;
    }
  }
  if (!best.empty()) return best;
  if (any) return BadRequest("container " + container + " is not running");
  return Status(Reason::kNotFound, "container " + container + " of pod " + ns + "/" + pod +
                                       " not found on this node");
}

namespace {


std::string ExitStatus(int code, const std::vector<std::string>& args) {
  if (code == 0) return R"({"metadata":{},"status":"Success"})";
  std::string cmd;
  for (const auto& a : args) cmd += (cmd.empty() ? "" : " ") + a;
  json::object st{
      {"metadata", json::object{}},
      {"status", "Failure"},
      {"message", "command terminated with non-zero exit code: error executing command [" + cmd +
                      "], exit code " + std::to_string(code)},
      {"reason", "NonZeroExitCode"},
      {"details", json::object{{"causes", json::array{json::object{
                                              {"reason", "ExitCode"},
                                              {"message", std::to_string(code)}}}}}}};
  return json::serialize(st);
}

// Pumps one exec session between the WebSocket and the process's fds until the process exits.
void Pump(apiserver::HijackedConnection conn, std::unique_ptr<runtime::ExecSession> session,
          ExecProtocol proto, const std::vector<std::string>& args) {
  bool v5 = proto == ExecProtocol::kV5;
  auto& tls = *conn.stream;
  ws::Parser parser;
  parser.Feed(conn.leftover.data(), conn.leftover.size());
  auto send = [&](int channel, const std::string& data) {
    return apiserver::TlsWriteAll(
        tls, ws::Frame(UsesTextFrames(proto) ? ws::kText : ws::kBinary,
                       EncodeChannelMessage(proto, static_cast<uint8_t>(channel), data)));
  };
  int out_fd = session->stdout_fd(), err_fd = session->stderr_fd();
  bool client_open = true;
  char buf[32768];
  auto handle_messages = [&] {
    while (auto m = parser.Next()) {
      if (m->op == ws::kClose) {
        client_open = false;
        return;
      }
      if (m->op == ws::kPing) {
        apiserver::TlsWriteAll(tls, ws::Frame(ws::kPong, m->payload));
        continue;
      }
      auto msg = DecodeChannelMessage(proto, m->payload);
      if (!msg) continue;
      uint8_t channel = msg->channel;
      const std::string& data = msg->data;
      if (channel == 0 && session->stdin_fd() >= 0) {
        size_t off = 0;
        while (off < data.size()) {
          ssize_t w = write(session->stdin_fd(), data.data() + off, data.size() - off);
          if (w <= 0) break;
          off += static_cast<size_t>(w);
        }
      } else if (channel == 4 && (proto == ExecProtocol::kV4 || v5)) {
        auto size = ParseJson(data);
        if (size.ok())
          (void)session->Resize(static_cast<int>(GetInt(*size, {"Width"})),
                                static_cast<int>(GetInt(*size, {"Height"})));
      } else if (channel == 255 && v5 && !data.empty() && data[0] == 0) {
        session->CloseStdin();
      }
    }
    if (parser.error()) client_open = false;
  };
  handle_messages();
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd p[3];
    int n = 0, ic = -1, io = -1, ie = -1;
    if (client_open) { ic = n; p[n++] = {conn.fd, POLLIN, 0}; }
    if (out_fd >= 0) { io = n; p[n++] = {out_fd, POLLIN, 0}; }
    if (err_fd >= 0) { ie = n; p[n++] = {err_fd, POLLIN, 0}; }
    bool pending = client_open && apiserver::TlsHasPending(tls);
    if (!pending) poll(p, static_cast<nfds_t>(n), 1000);
    if (ic >= 0 && (pending || (p[ic].revents & (POLLIN | POLLHUP | POLLERR)))) {
      long r = apiserver::TlsReadSome(tls, buf, sizeof buf);
      if (r > 0) {
        parser.Feed(buf, static_cast<size_t>(r));
        handle_messages();
      } else {
        client_open = false;
      }
    }
    for (auto [idx, fd, channel] : {std::tuple<int, int*, int>{io, &out_fd, 1}, {ie, &err_fd, 2}}) {
      if (idx < 0 || !(p[idx].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = read(*fd, buf, sizeof buf);
      if (r > 0) {
        if (!send(channel, std::string(buf, static_cast<size_t>(r)))) client_open = false;
      } else {
        *fd = -1;  // EOF (or EIO from a pty whose process exited)
      }
    }
    if (!client_open) break;
  }
  auto code = session->Wait();
  if (client_open) {
    int exit_code = code.ok() ? *code : 1;
    if (proto == ExecProtocol::kV4 || v5) {
      send(3, ExitStatus(exit_code, args));
    } else if (exit_code != 0) {
      // v1: only a failure is reported, as its message text.
      auto st = ParseJson(ExitStatus(exit_code, args));
      send(3, st.ok() ? GetString(*st, {"message"}) : "command failed");
    }
    std::string close_payload("\x03\xe8", 2);
    apiserver::TlsWriteAll(tls, ws::Frame(ws::kClose, close_payload));
  }
  boost::system::error_code ignored;
  tls.shutdown(ignored);
}

}  // namespace

void ServeExec(AgentContext* ctx, const apiserver::Request& req, const std::string& ns,
               const std::string& pod, const std::string& container,
               std::shared_ptr<apiserver::Responder> responder) {
  std::string upgrade = req.Header("upgrade");
  for (auto& c : upgrade) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  if (upgrade != "websocket") {
    return responder->Send(apiserver::StatusResponse(BadRequest(
        "berth streams exec over WebSocket (v5.channel.k8s.io); SPDY upgrade not supported")));
  }
  std::string protocols = req.Header("sec-websocket-protocol");
  std::optional<ExecProtocol> proto = ChooseExecProtocol(protocols);
  if (!proto)
    return responder->Send(apiserver::StatusResponse(BadRequest("no supported WebSocket subprotocol in [" +
                                                    protocols + "]")));
  runtime::ExecOptions opts;
  opts.args = req.QueryAll("command");
  if (opts.args.empty()) return responder->Send(apiserver::StatusResponse(BadRequest("you must specify at least 1 command")));
  opts.tty = req.Query("tty").value_or("") == "true" || req.Query("tty").value_or("") == "1";
  opts.stdin_open = req.Query("stdin").value_or("") == "true" || req.Query("stdin").value_or("") == "1";
  auto id = RunningContainerId(ctx, ns, pod, container);
  if (!id.ok()) return responder->Send(apiserver::StatusResponse(id.status()));
  auto session = ctx->runtime->Exec(*id, opts);
  if (!session.ok()) return responder->Send(apiserver::StatusResponse(session.status()));
  std::string accept = ws::AcceptKey(req.Header("sec-websocket-key"));
  std::string protocol = ExecProtocolName(*proto);
  auto shared_session = std::make_shared<std::unique_ptr<runtime::ExecSession>>(std::move(*session));
  responder->Hijack([accept, protocol, chosen = *proto, shared_session, args = opts.args](apiserver::HijackedConnection c) mutable {
    std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: " + protocol +
                       "\r\n\r\n";
    if (!apiserver::TlsWriteAll(*c.stream, head)) return;
    Pump(std::move(c), std::move(*shared_session), chosen, args);
  });
}

}  // namespace berth::agent

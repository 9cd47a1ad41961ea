#include "agent/probes.h"

#include "agent/grpc_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace berth::agent {
namespace {

using Ms = std::chrono::milliseconds;

// Go's wording: "connection refused", not strerror's "Connection refused".
std::string ErrnoText(int e) {
  std::string s = strerror(e);
  if (!s.empty()) s[0] = static_cast<char>(tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

int ConnectWithDeadline(const std::string& host, int port, std::chrono::steady_clock::time_point deadline,
                        std::string* err) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    *err = "invalid address " + host;
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *err = strerror(errno);
    return -1;
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  if (errno != EINPROGRESS) {
    *err = "dial tcp " + host + ":" + std::to_string(port) + ": connect: " + ErrnoText(errno);
    close(fd);
    return -1;
  }
  auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now()).count();
  pollfd p{fd, POLLOUT, 0};
  if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
    *err = "dial tcp " + host + ":" + std::to_string(port) + ": i/o timeout";
    close(fd);
    return -1;
  }
  int so = 0;
  socklen_t len = sizeof so;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len);
  if (so != 0) {
    *err = "dial tcp " + host + ":" + std::to_string(port) + ": connect: " + ErrnoText(so);
    close(fd);
    return -1;
  }
  return fd;
}

namespace {

int ResolvePort(const json::value* port, const json::object& container) {
  if (!port) return 0;
  if (port->is_int64()) return static_cast<int>(port->as_int64());
  if (port->is_string()) {
    std::string name(port->as_string());
    if (!name.empty() && isdigit(static_cast<unsigned char>(name[0]))) return std::atoi(name.c_str());
    if (const auto* ports = container.if_contains("ports"); ports && ports->is_array())
      for (const auto& p : ports->as_array())
        if (p.is_object() && GetString(p.as_object(), {"name"}) == name)
          return static_cast<int>(GetInt(p.as_object(), {"containerPort"}));
  }
  return 0;
}

}  // namespace

ProbeResult TcpProbe(const std::string& host, int port, Ms timeout) {
  std::string err;
  int fd = ConnectWithDeadline(host, port, std::chrono::steady_clock::now() + timeout, &err);
  if (fd < 0) return {false, err};
  close(fd);
  return {true, ""};
}

ProbeResult HttpGetProbe(const std::string& host, int port, const std::string& path,
                         const std::vector<std::pair<std::string, std::string>>& headers, Ms timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string err;
  int fd = ConnectWithDeadline(host, port, deadline, &err);
  std::string url = "http://" + host + ":" + std::to_string(port) + path;
  if (fd < 0) return {false, "Get \"" + url + "\": " + err};
  std::string req = "GET " + (path.empty() ? "/" : path) + " HTTP/1.1\r\nHost: " + host + ":" +
                    std::to_string(port) + "\r\nUser-Agent: kube-probe/1.32\r\nAccept: */*\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "Connection: close\r\n\r\n";
  size_t sent = 0;
  std::string resp;
  char buf[4096];
  while (true) {
    auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      close(fd);
      return {false, "Get \"" + url + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"};
    }
    pollfd p{fd, static_cast<short>(sent < req.size() ? POLLOUT : POLLIN), 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    if (sent < req.size()) {
      ssize_t w = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (w < 0 && errno != EAGAIN) break;
      if (w > 0) sent += static_cast<size_t>(w);
      continue;
    }
    ssize_t r = read(fd, buf, sizeof buf);
    if (r <= 0) break;
    resp.append(buf, static_cast<size_t>(r));
    if (resp.find("\r\n") != std::string::npos) break;
  }
  close(fd);
  // "HTTP/1.1 200 OK"
  if (resp.rfind("HTTP/", 0) != 0 || resp.size() < 12)
    return {false, "Get \"" + url + "\": malformed HTTP response"};
  int code = std::atoi(resp.c_str() + resp.find(' ') + 1);
  if (code >= 200 && code < 400) return {true, ""};
  return {false, "HTTP probe failed with statuscode: " + std::to_string(code)};
}

ProbeResult RunProbe(runtime::Runtime* rt, const std::string& container_id,
                     const json::object& probe, const json::object& container,
                     const std::string& pod_ip) {
  Ms timeout(1000 * std::max<int64_t>(1, GetInt(probe, {"timeoutSeconds"}, 1)));
  if (const auto* ex = probe.if_contains("exec"); ex && ex->is_object()) {
    std::vector<std::string> cmd;
    if (const auto* c = ex->as_object().if_contains("command"); c && c->is_array())
      for (const auto& s : c->as_array())
        if (s.is_string()) cmd.emplace_back(s.as_string());
    auto r = rt->ExecSync(container_id, cmd, timeout);
    if (!r.ok()) return {false, r.status().message()};
    if (r->timed_out) return {false, "command timed out"};
    if (r->exit_code != 0) {
      std::string out = r->output;
      while (!out.empty() && out.back() == '\n') out.pop_back();
      return {false, out.empty() ? "command failed with exit code " + std::to_string(r->exit_code)
                                 : out};
    }
    return {true, ""};
  }
  if (const auto* hg = probe.if_contains("httpGet"); hg && hg->is_object()) {
    const auto& h = hg->as_object();
    std::string host = GetString(h, {"host"});
    if (host.empty()) host = pod_ip;
    std::vector<std::pair<std::string, std::string>> headers;
    if (const auto* hs = h.if_contains("httpHeaders"); hs && hs->is_array())
      for (const auto& x : hs->as_array())
        if (x.is_object())
          headers.emplace_back(GetString(x.as_object(), {"name"}), GetString(x.as_object(), {"value"}));
    if (GetString(h, {"scheme"}) == "HTTPS") return {false, "HTTPS probes are not supported yet"};
    std::string path = GetString(h, {"path"});
    if (path.empty()) path = "/";
    return HttpGetProbe(host, ResolvePort(h.if_contains("port"), container), path, headers, timeout);
  }
  if (const auto* ts = probe.if_contains("tcpSocket"); ts && ts->is_object()) {
    std::string host = GetString(ts->as_object(), {"host"});
    if (host.empty()) host = pod_ip;
    return TcpProbe(host, ResolvePort(ts->as_object().if_contains("port"), container), timeout);
  }
  if (const auto* g = probe.if_contains("grpc"); g && g->is_object()) {
    return GrpcHealthProbe(pod_ip, static_cast<int>(GetInt(g->as_object(), {"port"})),
                           GetString(g->as_object(), {"service"}), timeout);
  }
  if (const auto* sl = probe.if_contains("sleep"); sl && sl->is_object()) {
    std::this_thread::sleep_for(std::chrono::seconds(GetInt(sl->as_object(), {"seconds"})));
    return {true, ""};
  }
  return {false, "probe has no handler"};
}

}  // namespace berth::agent

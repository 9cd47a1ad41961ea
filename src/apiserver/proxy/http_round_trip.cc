#include "apiserver/proxy/http_round_trip.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace berth::apiserver::proxy {

namespace {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

struct Head {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  size_t body_start = 0;
  bool chunked = false;
  std::optional<size_t> content_length;
};

// nullopt: the head is not complete yet; error: it is malformed.
StatusOr<std::optional<Head>> ParseHead(const std::string& raw) {
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (raw.size() > (1 << 20)) return Status(Reason::kInternalError, "upstream response head too large");
    return std::optional<Head>();
  }
  Head h;
  h.body_start = end + 4;
  size_t line_end = raw.find("\r\n");
  std::string status_line = raw.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12)
    return Status(Reason::kInternalError, "malformed upstream status line: " + status_line.substr(0, 80));
  h.status = std::atoi(status_line.c_str() + 9);
  if (h.status < 100 || h.status > 999)
    return Status(Reason::kInternalError, "malformed upstream status line: " + status_line.substr(0, 80));
  size_t pos = line_end + 2;
  while (pos < end) {
    size_t next = raw.find("\r\n", pos);
    std::string_view line(raw.data() + pos, next - pos);
    pos = next + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return Status(Reason::kInternalError, "malformed upstream header line");
    std::string name = Trim(line.substr(0, colon));
    std::string value = Trim(line.substr(colon + 1));
    std::string lname = Lower(name);
    if (lname == "transfer-encoding" && Lower(value).find("chunked") != std::string::npos) h.chunked = true;
    if (lname == "content-length") {
      char* endp = nullptr;
      unsigned long long n = std::strtoull(value.c_str(), &endp, 10);
      if (value.empty() || *endp != '\0') return Status(Reason::kInternalError, "malformed upstream Content-Length");
      h.content_length = static_cast<size_t>(n);
    }
    h.headers.emplace_back(std::move(name), std::move(value));
  }
  return std::optional<Head>(std::move(h));
}

bool NoBody(int status, bool head_request) {
  return head_request || (status >= 100 && status < 200) || status == 204 || status == 304;
}

// Decodes a chunked body starting at `pos`. nullopt: incomplete.
StatusOr<std::optional<std::string>> Dechunk(const std::string& raw, size_t pos) {
  std::string out;
  while (true) {
    size_t eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) return std::optional<std::string>();
    std::string size_str = raw.substr(pos, eol - pos);
    size_t semi = size_str.find(';');
    if (semi != std::string::npos) size_str.resize(semi);
    size_str = Trim(size_str);
    char* endp = nullptr;
    unsigned long long n = std::strtoull(size_str.c_str(), &endp, 16);
    if (size_str.empty() || *endp != '\0') return Status(Reason::kInternalError, "malformed upstream chunk size");
    pos = eol + 2;
    if (n == 0) {
      // Trailers end with an empty line.
      if (raw.find("\r\n", pos) == std::string::npos) return std::optional<std::string>();
      return std::optional<std::string>(std::move(out));
    }
    if (raw.size() < pos + n + 2) return std::optional<std::string>();
    out.append(raw, pos, n);
    pos += n + 2;
  }
}

// The response if `raw` holds all of it (`eof`: the upstream closed), nullopt otherwise.
StatusOr<std::optional<UpstreamResponse>> TryParse(const std::string& raw, bool head_request, bool eof) {
  auto head = ParseHead(raw);
  if (!head.ok()) return head.status();
  if (!head->has_value()) {
    if (eof) return Status(Reason::kServiceUnavailable, "upstream closed the connection before answering");
    return std::optional<UpstreamResponse>();
  }
  Head& h = **head;
  UpstreamResponse r;
  r.status = h.status;
  r.headers = std::move(h.headers);
  if (NoBody(h.status, head_request)) return std::optional<UpstreamResponse>(std::move(r));
  if (h.chunked) {
    auto body = Dechunk(raw, h.body_start);
    if (!body.ok()) return body.status();
    if (!body->has_value()) {
      if (eof) return Status(Reason::kServiceUnavailable, "upstream closed the connection mid-body");
      return std::optional<UpstreamResponse>();
    }
    r.body = std::move(**body);
    return std::optional<UpstreamResponse>(std::move(r));
  }
  size_t have = raw.size() - h.body_start;
  if (h.content_length) {
    if (have < *h.content_length) {
      if (eof) return Status(Reason::kServiceUnavailable, "upstream closed the connection mid-body");
      return std::optional<UpstreamResponse>();
    }
    r.body = raw.substr(h.body_start, *h.content_length);
    return std::optional<UpstreamResponse>(std::move(r));
  }
  if (!eof) return std::optional<UpstreamResponse>();
  r.body = raw.substr(h.body_start);
  return std::optional<UpstreamResponse>(std::move(r));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits for `events` on fd until the deadline. false: timed out or failed.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

}  // namespace

StatusOr<UpstreamResponse> ParseHttpResponse(const std::string& raw, bool head_request) {
  auto r = TryParse(raw, head_request, /*eof=*/true);
  if (!r.ok()) return r.status();
  return std::move(**r);
}

StatusOr<UpstreamResponse> RoundTrip(const UpstreamRequest& req, std::chrono::milliseconds timeout,
                                     size_t max_body) {
  const auto deadline = Clock::now() + timeout;
  const std::string where = req.host + ":" + std::to_string(req.port);
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  if (req.host.find(':') != std::string::npos) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<uint16_t>(req.port));
    if (inet_pton(AF_INET6, req.host.c_str(), &a6->sin6_addr) != 1)
      return Status(Reason::kBadRequest, "invalid upstream address " + req.host);
    family = AF_INET6;
    len = sizeof(sockaddr_in6);
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
    a4->sin_family = AF_INET;
    a4->sin_port = htons(static_cast<uint16_t>(req.port));
    if (inet_pton(AF_INET, req.host.c_str(), &a4->sin_addr) != 1)
      return Status(Reason::kBadRequest, "invalid upstream address " + req.host);
    len = sizeof(sockaddr_in);
  }
  Fd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Status(Reason::kInternalError, std::string("socket: ") + strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    if (errno != EINPROGRESS)
      return Status(Reason::kServiceUnavailable, "dial " + where + ": " + strerror(errno));
    if (!WaitFor(fd.get(), POLLOUT, deadline))
      return Status(Reason::kServiceUnavailable, "dial " + where + ": timed out");
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &el);
    if (err != 0) return Status(Reason::kServiceUnavailable, "dial " + where + ": " + strerror(err));
  }

  std::string host_header = req.host.find(':') != std::string::npos ? "[" + req.host + "]" : req.host;
  if (req.port != 80) host_header += ":" + std::to_string(req.port);
  std::string out = req.method + " " + (req.target.empty() ? "/" : req.target) + " HTTP/1.1\r\nHost: " +
                    host_header + "\r\nConnection: close\r\n";
  for (const auto& [k, v] : req.headers) out += k + ": " + v + "\r\n";
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH")
    out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  out += "\r\n";
  out += req.body;
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFor(fd.get(), POLLOUT, deadline))
        return Status(Reason::kTimeout, "sending to " + where + ": timed out");
      continue;
    }
    return Status(Reason::kServiceUnavailable, "sending to " + where + ": " + strerror(errno));
  }

  const bool head = req.method == "HEAD";
  std::string raw;
  char buf[65536];
  while (true) {
    if (!WaitFor(fd.get(), POLLIN, deadline))
      return Status(Reason::kTimeout, "waiting for " + where + ": timed out");
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      if (errno != ECONNRESET || raw.empty())
        return Status(Reason::kServiceUnavailable, "reading from " + where + ": " + strerror(errno));
      n = 0;  // a reset after a complete answer counts as the end
    }
    if (n > 0) raw.append(buf, static_cast<size_t>(n));
    if (raw.size() > max_body + (1 << 20))
      return Status(Reason::kInternalError, "upstream response from " + where + " too large");
    auto r = TryParse(raw, head, /*eof=*/n == 0);
    if (!r.ok()) return r.status();
    if (r->has_value()) return std::move(**r);
  }
}

}  // namespace berth::apiserver::proxy

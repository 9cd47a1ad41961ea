#include "dns/forwarder.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

#include "dns/dns_types.h"

namespace berth::dns {

StatusOr<sockaddr_in> ParseHostPort(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return Status(Reason::kBadRequest, "dns: address \"" + text + "\" is not ip:port");
  }
  std::string host = text.substr(0, colon);
  std::string port = text.substr(colon + 1);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return Status(Reason::kBadRequest, "dns: \"" + host + "\" is not an IPv4 address");
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return Status(Reason::kBadRequest, "dns: bad port in \"" + text + "\"");
  }
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(port)));
  return addr;
}

Forwarder::Forwarder(std::vector<sockaddr_in> upstreams, std::chrono::milliseconds timeout)
    : upstreams_(std::move(upstreams)), timeout_(timeout) {}

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

uint16_t RandomId() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return static_cast<uint16_t>(rng());
}

}  // namespace

StatusOr<std::string> Forwarder::Forward(std::string_view query) {
  if (query.size() < kHeaderSize) return Status(Reason::kBadRequest, "dns: short query");
  if (upstreams_.empty()) return Status(Reason::kServiceUnavailable, "dns: no upstreams");
  const uint16_t client_id = static_cast<uint16_t>(
      (static_cast<uint8_t>(query[0]) << 8) | static_cast<uint8_t>(query[1]));
  std::string out(query);
  uint32_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < upstreams_.size(); ++i) {
    const sockaddr_in& up = upstreams_[(start + i) % upstreams_.size()];
    Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) continue;
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&up), sizeof(up)) != 0) continue;
    uint16_t id = RandomId();
    out[0] = static_cast<char>(id >> 8);
    out[1] = static_cast<char>(id & 0xff);
    if (::send(fd.get(), out.data(), out.size(), 0) != static_cast<ssize_t>(out.size())) continue;
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    char buf[65536];
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd.get(), POLLIN, 0};
      int pr = ::poll(&p, 1, static_cast<int>(left.count()));
      if (pr <= 0) break;
      ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
      if (n < 0) break;  // e.g. ECONNREFUSED: try the next upstream
      if (static_cast<size_t>(n) < kHeaderSize) continue;
      uint16_t got = static_cast<uint16_t>((static_cast<uint8_t>(buf[0]) << 8) |
                                           static_cast<uint8_t>(buf[1]));
      bool is_response = (static_cast<uint8_t>(buf[2]) & 0x80) != 0;
      bool same_qd = buf[4] == out[4] && buf[5] == out[5];
      if (got != id || !is_response || !same_qd) continue;  // stale or spoofed
      std::string reply(buf, static_cast<size_t>(n));
      reply[0] = static_cast<char>(client_id >> 8);
      reply[1] = static_cast<char>(client_id & 0xff);
      return reply;
    }
  }
  return Status(Reason::kServiceUnavailable, "dns: no upstream answered");
}

}  // namespace berth::dns

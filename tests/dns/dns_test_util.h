// Helpers for the DNS tests: query building, a small UDP/TCP client, and a fake upstream DNS
// server on loopback. Header-only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dns/message.h"
#include "dns/name.h"

namespace berth::dns::testing {

inline std::string Query(const std::string& name, uint16_t type, uint16_t id = 0x1234,
                         uint16_t edns_size = 0) {
  Message m;
  m.header.id = id;
  m.header.rd = true;
  m.questions.push_back(Question{name, type, kClassIN});
  if (edns_size != 0) m.additional.push_back(MakeOpt(edns_size));
  return Encode(m);
}

inline sockaddr_in Loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// Sends one UDP packet and waits up to `timeout` for the answer with the same ID.
inline std::optional<std::string> UdpExchange(uint16_t port, const std::string& packet,
                                              std::chrono::milliseconds timeout =
                                                  std::chrono::milliseconds(3000)) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in a = Loopback(port);
  std::optional<std::string> out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      ::send(fd, packet.data(), packet.size(), 0) == static_cast<ssize_t>(packet.size())) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
      char buf[65536];
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n >= 0) out = std::string(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

// One TCP connection: sends each packet with 2-byte framing and reads each answer in turn.
inline std::vector<std::string> TcpExchange(uint16_t port, const std::vector<std::string>& packets) {
  std::vector<std::string> out;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return out;
  sockaddr_in a = Loopback(port);
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    ::close(fd);
    return out;
  }
  auto read_full = [&](char* buf, size_t len) {
    size_t got = 0;
    while (got < len) {
      ssize_t n = ::recv(fd, buf + got, len - got, 0);
      if (n <= 0) return false;
      got += static_cast<size_t>(n);
    }
    return true;
  };
  for (const std::string& p : packets) {
    std::string framed;
    framed.push_back(static_cast<char>(p.size() >> 8));
    framed.push_back(static_cast<char>(p.size() & 0xff));
    framed += p;
    if (::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(framed.size())) break;
    unsigned char len[2];
    if (!read_full(reinterpret_cast<char*>(len), 2)) break;
    std::string reply((static_cast<size_t>(len[0]) << 8) | len[1], '\0');
    if (!read_full(reply.data(), reply.size())) break;
    out.push_back(std::move(reply));
  }
  ::close(fd);
  return out;
}

// A fake upstream on 127.0.0.1:<ephemeral>: answers every A query with `ip` (and counts them).
class FakeUpstream {
 public:
  explicit FakeUpstream(uint32_t ip) : ip_(ip) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = Loopback(0);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~FakeUpstream() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  int queries() const { return queries_.load(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void Loop() {
    char buf[65536];
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      sockaddr_in from{};
      socklen_t flen = sizeof(from);
      ssize_t n = ::recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &flen);
      if (n <= 0) continue;
      ++queries_;
      auto q = Decode(std::string_view(buf, static_cast<size_t>(n)));
      if (!q.ok() || q->questions.empty()) continue;
      Message m;
      m.header = q->header;
      m.header.qr = true;
      m.header.ra = true;
      m.questions = q->questions;
      m.answers.push_back(MakeA(q->questions[0].name, 300, ip_));
      std::string out = Encode(m);
      ::sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), flen);
    }
  }

  uint32_t ip_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  std::thread thread_;
};

}  // namespace berth::dns::testing

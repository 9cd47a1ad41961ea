// Private network namespaces for the proxy's traffic tests (needs root). Everything is named
// "bpx<pid>..." and removed by destructors, also when a test fails.
//
// TestNetwork (address plan of test_ports.h):
//   node     bpx<pid>n: bridge br0 10.88.0.1/16 (hairpin on every port), route 10.96.0.0/16 dev
//            br0 (as berth's CNI routes the service CIDR), ip_forward on, veth up0 192.168.77.1/24
//   outside  bpx<pid>o: eth0 192.168.77.2/24, default via 192.168.77.1 (a client off the node)
//   pods     bpx<pid>p<i>: eth0 10.88.1.<i+1>/16, default via 10.88.0.1
// EchoServer greets each connection with "<name> <peer address>\n" and then echoes.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/subprocess.h"
#include "network/in_netns.h"

namespace berth::proxy::testing {

inline std::string Prefix() { return "bpx" + std::to_string(getpid()); }

inline void MustRun(const std::vector<std::string>& argv) {
  auto r = RunChecked(argv);
  ASSERT_TRUE(r.ok()) << argv[0] << " " << (argv.size() > 1 ? argv[1] : "") << ": "
                      << r.status().ToString();
}

using network::InNetns;

class Netns {
 public:
  explicit Netns(std::string name) : name_(std::move(name)) {
    RunSubprocess({"ip", "netns", "del", name_});  // a leftover of a crashed run with our pid
    MustRun({"ip", "netns", "add", name_});
    MustRun({"ip", "-n", name_, "link", "set", "lo", "up"});
  }
  ~Netns() { RunSubprocess({"ip", "netns", "del", name_}); }
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;
  const std::string& name() const { return name_; }
  void Ip(std::vector<std::string> args) const {
    args.insert(args.begin(), {"ip", "-n", name_});
    MustRun(args);
  }
  void Exec(std::vector<std::string> args) const {
    args.insert(args.begin(), {"ip", "netns", "exec", name_});
    MustRun(args);
  }

 private:
  std::string name_;
};

class EchoServer {
 public:
  EchoServer(const std::string& netns, const std::string& ip, int port, std::string name)
      : name_(std::move(name)) {
    listen_fd_ = InNetns(netns, [&]() -> int {
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(port));
      inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
      if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 128) != 0) {
        close(fd);
        return -1;
      }
      return fd;
    });
    EXPECT_GE(listen_fd_, 0) << "listen " << ip << ":" << port << ": " << strerror(errno);
    stop_fd_ = eventfd(0, EFD_CLOEXEC);
    thread_ = std::thread([this] { Loop(); });
  }
  ~EchoServer() {
    uint64_t one = 1;
    (void)!write(stop_fd_, &one, sizeof one);
    thread_.join();
    for (auto& [fd, _] : conns_) close(fd);
    if (listen_fd_ >= 0) close(listen_fd_);
    close(stop_fd_);
  }
  int accepted() const { return accepted_.load(); }

 private:
  void Loop() {
    while (true) {
      std::vector<pollfd> fds{{stop_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
      for (auto& [fd, _] : conns_) fds.push_back({fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 1000) < 0) return;
      if (fds[0].revents) return;
      if (fds[1].revents & POLLIN) {
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        int c = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
        if (c >= 0) {
          char buf[INET_ADDRSTRLEN] = {};
          inet_ntop(AF_INET, &peer.sin_addr, buf, sizeof buf);
          std::string hello = name_ + " " + buf + "\n";
          (void)!send(c, hello.data(), hello.size(), MSG_NOSIGNAL);
          conns_[c] = true;
          accepted_++;
        }
      }
      for (size_t i = 2; i < fds.size(); ++i) {
        if (!fds[i].revents) continue;
        char buf[512];
        ssize_t n = recv(fds[i].fd, buf, sizeof buf, 0);
        if (n <= 0) {
          close(fds[i].fd);
          conns_.erase(fds[i].fd);
        } else {
          (void)!send(fds[i].fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
        }
      }
    }
  }

  std::string name_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  std::map<int, bool> conns_;  // loop thread only
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// A client connection made from inside a netns.
struct Conn {
  int fd = -1;
  std::string error;     // "" on success, else "ECONNREFUSED", "timeout", ...
  std::string greeting;  // the server's first line, without '\n'
  std::chrono::milliseconds took{0};
  Conn() = default;
  Conn(Conn&& o) noexcept { *this = std::move(o); }
  Conn& operator=(Conn&& o) noexcept {
    std::swap(fd, o.fd);
    error = std::move(o.error);
    greeting = std::move(o.greeting);
    took = o.took;
    return *this;
  }
  ~Conn() {
    if (fd >= 0) close(fd);
  }
  // The server's name (first word of the greeting).
  std::string server() const { return greeting.substr(0, greeting.find(' ')); }
  // The address the server saw us as.
  std::string peer() const {
    auto sp = greeting.find(' ');
    return sp == std::string::npos ? "" : greeting.substr(sp + 1);
  }
  // Sends `text` and reads it back; false when the connection no longer works.
  bool Echo(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
    if (send(fd, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size())) {
      return false;
    }
    std::string got;
    while (got.size() < text.size()) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
      char buf[512];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      got.append(buf, static_cast<size_t>(n));
    }
    return got == text;
  }
};

inline std::string ErrnoName(int e) {
  switch (e) {
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return strerror(e);
  }
}

// Connects from `netns` to ip:port and reads the greeting, within `timeout`.
inline Conn Dial(const std::string& netns, const std::string& ip, int port,
                 std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
  const auto start = std::chrono::steady_clock::now();
  Conn c;
  c.fd = InNetns(netns,
                 [] { return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0); });
  auto left = [&] {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        start + timeout - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<int64_t>(ms.count(), 0));
  };
  auto fail = [&](std::string e) {
    c.error = std::move(e);
    c.took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    return std::move(c);
  };
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
    return fail(ErrnoName(errno));
  }
  pollfd p{c.fd, POLLOUT, 0};
  if (poll(&p, 1, left()) <= 0) return fail("timeout");
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return fail(ErrnoName(err));
  std::string line;
  while (line.find('\n') == std::string::npos) {
    pollfd r{c.fd, POLLIN, 0};
    if (poll(&r, 1, left()) <= 0) return fail("timeout reading greeting");
    char buf[256];
    ssize_t n = recv(c.fd, buf, sizeof buf, 0);
    if (n <= 0) return fail(n == 0 ? "EOF" : ErrnoName(errno));
    line.append(buf, static_cast<size_t>(n));
  }
  c.greeting = line.substr(0, line.find('\n'));
  c.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return c;
}

class TestNetwork {
 public:
  static constexpr const char* kNodeIp = "192.168.77.1";
  static constexpr const char* kOutsideIp = "192.168.77.2";

  explicit TestNetwork(int pods) : node_(Prefix() + "n"), outside_(Prefix() + "o") {
    node_.Exec({"sysctl", "-qw", "net.ipv4.ip_forward=1"});
    node_.Ip({"link", "add", "br0", "type", "bridge"});
    node_.Ip({"addr", "add", "10.88.0.1/16", "dev", "br0"});
    node_.Ip({"link", "set", "br0", "up"});
    node_.Ip({"route", "add", "10.96.0.0/16", "dev", "br0"});
    node_.Ip({"link", "add", "up0", "type", "veth", "peer", "name", "eth0", "netns",
              outside_.name()});
    node_.Ip({"addr", "add", std::string(kNodeIp) + "/24", "dev", "up0"});
    node_.Ip({"link", "set", "up0", "up"});
    outside_.Ip({"addr", "add", std::string(kOutsideIp) + "/24", "dev", "eth0"});
    outside_.Ip({"link", "set", "eth0", "up"});
    outside_.Ip({"route", "add", "default", "via", kNodeIp});
    for (int i = 1; i <= pods; ++i) {
      auto pod = std::make_unique<Netns>(Prefix() + "p" + std::to_string(i));
      const std::string host_end = "vp" + std::to_string(i);
      node_.Ip({"link", "add", host_end, "type", "veth", "peer", "name", "eth0", "netns",
                pod->name()});
      node_.Ip({"link", "set", host_end, "master", "br0"});
      node_.Ip({"link", "set", host_end, "type", "bridge_slave", "hairpin", "on"});
      node_.Ip({"link", "set", host_end, "up"});
      pod->Ip({"addr", "add", PodIp(i) + "/16", "dev", "eth0"});
      pod->Ip({"link", "set", "eth0", "up"});
      pod->Ip({"route", "add", "default", "via", "10.88.0.1"});
      pods_.push_back(std::move(pod));
    }
  }

  static std::string PodIp(int i) { return "10.88.1." + std::to_string(i + 1); }
  const std::string& node() const { return node_.name(); }
  const std::string& outside() const { return outside_.name(); }
  const std::string& pod(int i) const { return pods_.at(i - 1)->name(); }

 private:
  Netns node_;
  Netns outside_;
  std::vector<std::unique_ptr<Netns>> pods_;
};

}  // namespace berth::proxy::testing

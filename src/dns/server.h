// DnsServer: serves one "ip:port" on UDP and TCP with a Resolver.
//
// UDP: `udp_threads` threads receive on one socket and answer in place; queries the resolver
// hands back for forwarding go to a small pool of forwarding threads (bounded queue; overflow is
// dropped, as a loaded DNS server does) so a slow upstream never stalls cluster answers.
// TCP: an accept thread and one thread per connection (at most kMaxTcpConnections; more are
// closed at once), RFC 1035 2-byte length framing, any number of queries per connection,
// closed after kTcpIdle without a complete query; forwarding happens on the connection thread.
//
// Start binds UDP first and then TCP on the same port (so port 0 picks one free port for both)
// and fails, binding nothing, if either is taken. Stop joins every thread; the destructor
// stops. Start/Stop from one thread; port() after Start.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "dns/forwarder.h"
#include "dns/resolver.h"

namespace berth::dns {

class DnsServer {
 public:
  static constexpr int kMaxTcpConnections = 128;
  static constexpr std::chrono::seconds kTcpIdle{10};
  static constexpr size_t kMaxPendingForwards = 1024;
  static constexpr int kForwardThreads = 4;

  // `forwarder` may be null (the resolver then never asks to forward). Both must outlive it.
  DnsServer(const Resolver* resolver, Forwarder* forwarder, sockaddr_in addr, int udp_threads = 2);
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  Status Start();
  void Stop();
  uint16_t port() const { return port_; }

 private:
  struct Conn {
    int fd = -1;
    std::atomic<bool> done{false};
    std::thread thread;
  };
  struct ForwardJob {
    std::string query;
    sockaddr_in client;
  };

  void UdpLoop();
  void AcceptLoop();
  void ServeConnection(Conn* conn);
  void ForwardLoop();
  void ReapConnections(bool all);

  const Resolver* resolver_;
  Forwarder* forwarder_;
  sockaddr_in addr_;
  int udp_threads_;
  uint16_t port_ = 0;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;

  std::mutex conns_mu_;
  std::list<std::unique_ptr<Conn>> conns_;

  std::mutex fwd_mu_;
  std::condition_variable fwd_cv_;
  std::deque<ForwardJob> fwd_queue_;
};

}  // namespace berth::dns

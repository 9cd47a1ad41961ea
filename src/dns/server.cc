#include "dns/server.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace berth::dns {

namespace {

constexpr int kPollMs = 200;

Status Errno(const std::string& what) {
  return Status(Reason::kInternalError, "dns: " + what + ": " + std::strerror(errno));
}

// Reads exactly `len` bytes, waiting at most `idle` for each chunk; false on EOF, error,
// timeout or stop.
bool ReadFull(int fd, char* buf, size_t len, std::chrono::milliseconds idle,
              const std::atomic<bool>& stop) {
  size_t got = 0;
  auto deadline = std::chrono::steady_clock::now() + idle;
  while (got < len) {
    if (stop.load()) return false;
    pollfd p{fd, POLLIN, 0};
    int pr = ::poll(&p, 1, kPollMs);
    if (pr < 0 && errno != EINTR) return false;
    if (pr <= 0) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      continue;
    }
    ssize_t n = ::recv(fd, buf + got, len - got, 0);
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

bool WriteFull(int fd, const char* buf, size_t len) {
  size_t sent = 0;
  while (sent < len) {
    ssize_t n = ::send(fd, buf + sent, len - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

DnsServer::DnsServer(const Resolver* resolver, Forwarder* forwarder, sockaddr_in addr,
                     int udp_threads)
    : resolver_(resolver), forwarder_(forwarder), addr_(addr), udp_threads_(udp_threads) {}

DnsServer::~DnsServer() { Stop(); }

Status DnsServer::Start() {
  stop_ = false;
  udp_fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (udp_fd_ < 0) return Errno("udp socket");
  sockaddr_in a = addr_;
  if (::bind(udp_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    Status st = Errno("bind udp " + std::string(inet_ntoa(addr_.sin_addr)) + ":" +
                      std::to_string(ntohs(addr_.sin_port)));
    ::close(udp_fd_);
    udp_fd_ = -1;
    return st;
  }
  socklen_t alen = sizeof(a);
  ::getsockname(udp_fd_, reinterpret_cast<sockaddr*>(&a), &alen);
  port_ = ntohs(a.sin_port);
  int rcvbuf = 4 << 20;
  ::setsockopt(udp_fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  timeval tv{0, kPollMs * 1000};
  ::setsockopt(udp_fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

  tcp_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(tcp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (tcp_fd_ < 0 || ::bind(tcp_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      ::listen(tcp_fd_, 128) != 0) {
    Status st = Errno("bind tcp " + std::string(inet_ntoa(a.sin_addr)) + ":" +
                      std::to_string(port_));
    if (tcp_fd_ >= 0) ::close(tcp_fd_);
    ::close(udp_fd_);
    tcp_fd_ = udp_fd_ = -1;
    return st;
  }

  for (int i = 0; i < udp_threads_; ++i) threads_.emplace_back([this] { UdpLoop(); });
  threads_.emplace_back([this] { AcceptLoop(); });
  if (forwarder_ != nullptr && !forwarder_->empty()) {
    for (int i = 0; i < kForwardThreads; ++i) threads_.emplace_back([this] { ForwardLoop(); });
  }
  return Status::Ok();
}

void DnsServer::Stop() {
  if (udp_fd_ < 0 && tcp_fd_ < 0) return;
  stop_ = true;
  fwd_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  ReapConnections(true);
  {
    std::lock_guard lock(fwd_mu_);
    fwd_queue_.clear();
  }
  ::close(udp_fd_);
  ::close(tcp_fd_);
  udp_fd_ = tcp_fd_ = -1;
}

void DnsServer::UdpLoop() {
  // Batches: one recvmmsg takes whatever is queued (up to kBatch, waiting only for the first),
  // one sendmmsg sends all the answers, so a loaded server makes two syscalls per batch rather
  // than two per query.
  constexpr int kBatch = 32;
  constexpr size_t kMaxQuery = 4096;  // larger datagrams are not queries anyone sends
  std::vector<char> bufs(kBatch * kMaxQuery);
  std::vector<iovec> in_iov(kBatch);
  std::vector<sockaddr_in> from(kBatch);
  std::vector<mmsghdr> in(kBatch);
  std::vector<std::string> replies(kBatch);
  std::vector<iovec> out_iov(kBatch);
  std::vector<mmsghdr> out(kBatch);
  while (!stop_.load(std::memory_order_relaxed)) {
    for (int i = 0; i < kBatch; ++i) {
      in_iov[i] = iovec{bufs.data() + i * kMaxQuery, kMaxQuery};
      in[i] = mmsghdr{};
      in[i].msg_hdr.msg_name = &from[i];
      in[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
      in[i].msg_hdr.msg_iov = &in_iov[i];
      in[i].msg_hdr.msg_iovlen = 1;
    }
    int n = ::recvmmsg(udp_fd_, in.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (n <= 0) continue;  // timeout (stop check) or transient error
    int nout = 0;
    for (int i = 0; i < n; ++i) {
      if ((in[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) continue;
      std::string_view packet(bufs.data() + i * kMaxQuery, in[i].msg_len);
      Resolution r = resolver_->Handle(packet, Transport::kUdp);
      if (r.action == Resolution::Action::kReply) {
        replies[nout] = std::move(r.reply);
        out_iov[nout] = iovec{replies[nout].data(), replies[nout].size()};
        out[nout] = mmsghdr{};
        out[nout].msg_hdr.msg_name = &from[i];
        out[nout].msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
        out[nout].msg_hdr.msg_iov = &out_iov[nout];
        out[nout].msg_hdr.msg_iovlen = 1;
        ++nout;
      } else if (r.action == Resolution::Action::kForward) {
        std::lock_guard lock(fwd_mu_);
        if (fwd_queue_.size() < kMaxPendingForwards) {
          fwd_queue_.push_back(ForwardJob{std::string(packet), from[i]});
          fwd_cv_.notify_one();
        }
      }
    }
    for (int sent = 0; sent < nout;) {
      int k = ::sendmmsg(udp_fd_, out.data() + sent, static_cast<unsigned>(nout - sent), MSG_DONTWAIT);
      if (k <= 0) break;  // socket buffer full: the rest are dropped, as a loaded server does
      sent += k;
    }
  }
}

void DnsServer::ForwardLoop() {
  while (true) {
    ForwardJob job;
    {
      std::unique_lock lock(fwd_mu_);
      fwd_cv_.wait(lock, [&] { return stop_.load() || !fwd_queue_.empty(); });
      if (stop_.load()) return;
      job = std::move(fwd_queue_.front());
      fwd_queue_.pop_front();
    }
    StatusOr<std::string> reply = forwarder_->Forward(job.query);
    std::string out = reply.ok() ? *reply : Resolver::ErrorReply(job.query, kRcodeServFail);
    if (out.empty()) continue;
    ::sendto(udp_fd_, out.data(), out.size(), MSG_DONTWAIT,
             reinterpret_cast<sockaddr*>(&job.client), sizeof(job.client));
  }
}

void DnsServer::ReapConnections(bool all) {
  std::lock_guard lock(conns_mu_);
  for (auto it = conns_.begin(); it != conns_.end();) {
    Conn& c = **it;
    if (all || c.done.load()) {
      if (all) ::shutdown(c.fd, SHUT_RDWR);
      c.thread.join();
      ::close(c.fd);
      it = conns_.erase(it);
    } else {
      ++it;
    }
  }
}

void DnsServer::AcceptLoop() {
  while (!stop_.load()) {
    pollfd p{tcp_fd_, POLLIN, 0};
    int pr = ::poll(&p, 1, kPollMs);
    ReapConnections(false);
    if (pr <= 0) continue;
    int fd = ::accept4(tcp_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(conns_mu_);
    if (conns_.size() >= static_cast<size_t>(kMaxTcpConnections)) {
      ::close(fd);
      continue;
    }
    auto conn = std::make_unique<Conn>();
    conn->fd = fd;
    Conn* raw = conn.get();
    conns_.push_back(std::move(conn));
    raw->thread = std::thread([this, raw] { ServeConnection(raw); });
  }
}

void DnsServer::ServeConnection(Conn* conn) {
  std::string msg;
  while (!stop_.load()) {
    unsigned char len_buf[2];
    if (!ReadFull(conn->fd, reinterpret_cast<char*>(len_buf), 2, kTcpIdle, stop_)) break;
    size_t len = (static_cast<size_t>(len_buf[0]) << 8) | len_buf[1];
    msg.resize(len);
    if (len > 0 && !ReadFull(conn->fd, msg.data(), len, kTcpIdle, stop_)) break;
    Resolution r = resolver_->Handle(msg, Transport::kTcp);
    std::string reply;
    if (r.action == Resolution::Action::kReply) {
      reply = std::move(r.reply);
    } else if (r.action == Resolution::Action::kForward && forwarder_ != nullptr) {
      StatusOr<std::string> fwd = forwarder_->Forward(msg);
      reply = fwd.ok() ? *fwd : Resolver::ErrorReply(msg, kRcodeServFail);
    }
    if (reply.empty()) break;  // a packet not worth answering: drop the connection
    std::string framed;
    framed.reserve(reply.size() + 2);
    framed.push_back(static_cast<char>(reply.size() >> 8));
    framed.push_back(static_cast<char>(reply.size() & 0xff));
    framed += reply;
    if (!WriteFull(conn->fd, framed.data(), framed.size())) break;
  }
  ::shutdown(conn->fd, SHUT_RDWR);
  conn->done = true;
}

}  // namespace berth::dns

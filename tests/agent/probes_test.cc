#include "agent/probes.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace berth::agent {
namespace {

// A one-shot HTTP server on loopback answering with `status`.
class TinyHttp {
 public:
  explicit TinyHttp(int status) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 4);
    thread_ = std::thread([this, status] {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[2048];
      ssize_t n = read(c, buf, sizeof buf);
      request_ = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
      std::string resp = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 0\r\n\r\n";
      (void)!write(c, resp.data(), resp.size());
      close(c);
    });
  }
  ~TinyHttp() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::string request_;

 private:
  int fd_;
  int port_ = 0;
  std::thread thread_;
};

TEST(Probes, HttpGetSuccessAndFailureByStatus) {
  {
    TinyHttp ok(200);
    auto r = HttpGetProbe("127.0.0.1", ok.port(), "/healthz", {{"X-Probe", "1"}},
                          std::chrono::milliseconds(1000));
    EXPECT_TRUE(r.success) << r.message;
  }
  {
    TinyHttp bad(503);
    auto r = HttpGetProbe("127.0.0.1", bad.port(), "/", {}, std::chrono::milliseconds(1000));
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.message, "HTTP probe failed with statuscode: 503");
  }
}

TEST(Probes, TcpConnectRefusedFails) {
  TinyHttp srv(200);
  EXPECT_TRUE(TcpProbe("127.0.0.1", srv.port(), std::chrono::milliseconds(500)).success);
  // Port 1 on loopback: nothing listens.
  auto r = TcpProbe("127.0.0.1", 1, std::chrono::milliseconds(500));
  EXPECT_FALSE(r.success);
  EXPECT_NE(r.message.find("connection refused"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace berth::agent

#include "agent/grpc_probe.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace berth::agent {
namespace {

using Ms = std::chrono::milliseconds;

std::string Frame(uint8_t type, uint8_t flags, const std::string& payload) {
  std::string f;
  f += static_cast<char>(0);
  f += static_cast<char>(payload.size() >> 8);
  f += static_cast<char>(payload.size() & 0xff);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  f += std::string("\0\0\0", 3) + static_cast<char>(type == 4 || type == 6 ? 0 : 1);
  return f + payload;
}

// What a gRPC server answers to Health/Check: SETTINGS, a PING, response HEADERS, one DATA with
// HealthCheckResponse{status}, trailers (grpc-status: 0) with END_STREAM.
std::string Response(int status) {
  std::string headers = "\x88\x0f\x10\x10" "application/grpc";
  std::string msg = std::string("\0\0\0\0\x02\x08", 6) + static_cast<char>(status);
  std::string trailers = std::string("\x00\x0bgrpc-status\x01" "0", 15);
  return Frame(4, 0, "") + Frame(6, 0, "12345678") + Frame(1, 4, headers) + Frame(0, 0, msg) +
         Frame(1, 5, trailers);
}

// A one-connection server on loopback: reads the request, answers `reply`, records what it got.
class TinyGrpc {
 public:
  TinyGrpc(std::string reply, bool answer) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 4);
    thread_ = std::thread([this, reply, answer] {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string expected = GrpcHealthRequestBytes("127.0.0.1:" + std::to_string(port_), "");
      char buf[4096];
      while (request_.size() < expected.size()) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        request_.append(buf, static_cast<size_t>(n));
      }
      if (answer) (void)!write(c, reply.data(), reply.size());
      // Keep the connection until the client is done (it closes first), to see its acks.
      for (ssize_t n; (n = read(c, buf, sizeof buf)) > 0;) acks_.append(buf, static_cast<size_t>(n));
      close(c);
    });
  }
  ~TinyGrpc() { Join(); }
  // Stops accepting and waits for the connection to end; then request_ and acks_ are complete.
  void Join() {
    if (!thread_.joinable()) return;
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  std::string request_, acks_;

 private:
  int fd_;
  int port_ = 0;
  std::thread thread_;
};

TEST(GrpcProbe, RequestIsAnHttp2HealthCheck) {
  std::string r = GrpcHealthRequestBytes("10.0.0.5:5000", "svc");
  ASSERT_EQ(r.rfind("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0), 0u);
  EXPECT_NE(r.find("/grpc.health.v1.Health/Check"), std::string::npos);
  EXPECT_NE(r.find("application/grpc"), std::string::npos);
  EXPECT_NE(r.find("10.0.0.5:5000"), std::string::npos);
  EXPECT_NE(r.find("trailers"), std::string::npos);
  // The last frame: DATA (type 0), END_STREAM, stream 1, carrying the length-prefixed
  // HealthCheckRequest{service: "svc"}.
  EXPECT_EQ(r.substr(r.size() - 19),
            std::string("\0\0\x0a\x00\x01\0\0\0\x01" "\0\0\0\0\x05\x0a\x03svc", 19));
}

TEST(GrpcProbe, ServingPassesAndTheServersSettingsAndPingAreAcked) {
  TinyGrpc server(Response(1), true);
  auto r = GrpcHealthProbe("127.0.0.1", server.port(), "", Ms(2000));
  EXPECT_TRUE(r.success) << r.message;
  server.Join();
  EXPECT_EQ(server.request_, GrpcHealthRequestBytes("127.0.0.1:" + std::to_string(server.port()), ""));
  EXPECT_NE(server.acks_.find(std::string("\0\0\0\x04\x01\0\0\0\0", 9)), std::string::npos);
  EXPECT_NE(server.acks_.find(std::string("\0\0\x08\x06\x01\0\0\0\0" "12345678", 17)),
            std::string::npos);
}

TEST(GrpcProbe, NotServingFailsWithTheStatusName) {
  TinyGrpc server(Response(2), true);
  auto r = GrpcHealthProbe("127.0.0.1", server.port(), "", Ms(2000));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.message, "service unhealthy (responded with \"NOT_SERVING\")");
}

TEST(GrpcProbe, SilentServerTimesOut) {
  TinyGrpc server("", false);
  auto start = std::chrono::steady_clock::now();
  auto r = GrpcHealthProbe("127.0.0.1", server.port(), "", Ms(300));
  EXPECT_FALSE(r.success);
  EXPECT_NE(r.message.find("timeout"), std::string::npos) << r.message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, Ms(2000));
}

TEST(GrpcProbe, ClosedPortFails) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);  // nothing listens there now
  auto r = GrpcHealthProbe("127.0.0.1", ntohs(a.sin_port), "", Ms(1000));
  EXPECT_FALSE(r.success);
  EXPECT_NE(r.message.find("connection refused"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace berth::agent

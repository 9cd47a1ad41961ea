// The proxy's upstream HTTP exchange: response parsing and real exchanges over loopback.
#include "apiserver/proxy/http_round_trip.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>

namespace berth::apiserver::proxy {
namespace {

TEST(ParseHttpResponseTest, ContentLengthChunkedAndHead) {
  auto r = ParseHttpResponse("HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello", false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "hello");
  ASSERT_EQ(r->headers.size(), 2u);
  EXPECT_EQ(r->headers[0].first, "Content-Type");
  EXPECT_EQ(r->headers[0].second, "text/plain");

  r = ParseHttpResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n", false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "abcdefg");

  r = ParseHttpResponse("HTTP/1.0 200 OK\r\n\r\nuntil close", false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "until close");

  r = ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "");
}

TEST(ParseHttpResponseTest, MalformedOrTruncated) {
  EXPECT_EQ(ParseHttpResponse("garbage\r\n\r\n", false).status().reason(), Reason::kInternalError);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", false).status().reason(), Reason::kInternalError);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", false).status().reason(), Reason::kInternalError);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", false).status().reason(),
            Reason::kServiceUnavailable);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false).status().reason(),
            Reason::kInternalError);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\n", false).status().reason(), Reason::kServiceUnavailable);
}

// A one-connection loopback server: reads the request head and body, then runs `reply`.
class OneShotServer {
 public:
  explicit OneShotServer(std::function<void(int fd, const std::string& request)> reply) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, reply] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      size_t cl = req.find("Content-Length: ");
      size_t want = cl == std::string::npos ? 0 : std::stoul(req.substr(cl + 16));
      while (req.size() - (req.find("\r\n\r\n") + 4) < want) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      request_ = req;
      reply(c, req);
      ::close(c);
    });
  }
  ~OneShotServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  const std::string& request() const { return request_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string request_;
};

void SendAll(int fd, const std::string& s) { EXPECT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size())); }

TEST(RoundTripTest, SendsMethodTargetHeadersAndBodyAndReadsChunkedAnswer) {
  UpstreamResponse got;
  {
    OneShotServer server([](int fd, const std::string&) {
      SendAll(fd, "HTTP/1.1 202 Accepted\r\nX-Echo: yes\r\nTransfer-Encoding: chunked\r\n\r\n");
      SendAll(fd, "5\r\nhello\r\n");
      SendAll(fd, "0\r\n\r\n");
    });
    UpstreamRequest req;
    req.method = "PATCH";
    req.host = "127.0.0.1";
    req.port = server.port();
    req.target = "/some/path?x=1";
    req.headers = {{"x-test", "1"}};
    req.body = "payload";
    auto r = RoundTrip(req, std::chrono::seconds(5));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    got = *r;
    const std::string& sent = server.request();
    EXPECT_EQ(sent.rfind("PATCH /some/path?x=1 HTTP/1.1\r\n", 0), 0u) << sent;
    EXPECT_NE(sent.find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"), std::string::npos);
    EXPECT_NE(sent.find("Connection: close\r\n"), std::string::npos);
    EXPECT_NE(sent.find("x-test: 1\r\n"), std::string::npos);
    EXPECT_NE(sent.find("Content-Length: 7\r\n\r\npayload"), std::string::npos);
  }
  EXPECT_EQ(got.status, 202);
  EXPECT_EQ(got.body, "hello");
}

TEST(RoundTripTest, ReturnsOnceContentLengthIsComplete) {
  // The server keeps the connection open after answering: the client must not wait for close.
  OneShotServer server([](int fd, const std::string&) {
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  });
  UpstreamRequest req;
  req.host = "127.0.0.1";
  req.port = server.port();
  auto start = std::chrono::steady_clock::now();
  auto r = RoundTrip(req, std::chrono::seconds(5));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "ok");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
}

TEST(RoundTripTest, SilentUpstreamTimesOut) {
  OneShotServer server([](int, const std::string&) { std::this_thread::sleep_for(std::chrono::milliseconds(800)); });
  UpstreamRequest req;
  req.host = "127.0.0.1";
  req.port = server.port();
  auto r = RoundTrip(req, std::chrono::milliseconds(200));
  EXPECT_EQ(r.status().reason(), Reason::kTimeout) << r.status().ToString();
}

TEST(RoundTripTest, RefusedConnectionIsServiceUnavailable) {
  int port;
  {
    OneShotServer server([](int, const std::string&) {});
    port = server.port();
    // Connect once so the server thread finishes; afterwards nothing listens on the port.
    UpstreamRequest req;
    req.host = "127.0.0.1";
    req.port = port;
    (void)RoundTrip(req, std::chrono::seconds(2));
  }
  UpstreamRequest req;
  req.host = "127.0.0.1";
  req.port = port;
  auto r = RoundTrip(req, std::chrono::seconds(2));
  EXPECT_EQ(r.status().reason(), Reason::kServiceUnavailable) << r.status().ToString();
  req.host = "not-an-ip";
  EXPECT_EQ(RoundTrip(req, std::chrono::seconds(2)).status().reason(), Reason::kBadRequest);
}

}  // namespace
}  // namespace berth::apiserver::proxy

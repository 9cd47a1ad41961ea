// HttpsClient: a small synchronous HTTPS/1.1 client for integration tests of
// the API server. One TLS connection per request (no pooling); the server's
// certificate is not verified (tests talk to 127.0.0.1 with a fresh CA).
//
// Every call has a deadline; a request that does not finish in time returns a
// response with status 0 and the error in `error`. Nothing throws.
// Thread-compatible: use one client per thread (they are cheap).
//
// Header-only on purpose: tests/CMakeLists.txt globs only *_test.cc files.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace berth::apiserver::testing {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

struct HttpResponse {
  int status = 0;  // 0: no HTTP response (see `error`)
  std::string error;
  // Lower-cased header names; a repeated header keeps every value in order.
  std::multimap<std::string, std::string> headers;
  std::string body;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  std::vector<std::string> HeaderAll(const std::string& lower_name) const {
    std::vector<std::string> out;
    auto [b, e] = headers.equal_range(lower_name);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
  }
  // The body parsed as JSON, or null when it is not JSON.
  boost::json::value Json() const {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    return ec ? boost::json::value() : v;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpsClient {
 public:
  using Clock = std::chrono::steady_clock;

  // One TLS connection driven by its own io_context; each operation runs the
  // context until it completes or the deadline passes (then the socket is
  // closed and the connection is unusable).
  class Conn {
   public:
    Conn(const std::string& host, uint16_t port)
        : host(host), port(port), ssl(net::ssl::context::tls_client), stream(ioc, ssl) {
      ssl.set_verify_mode(net::ssl::verify_none);
    }

    bool Connect(Clock::time_point deadline, std::string* err) {
      beast::error_code ec;
      net::ip::tcp::endpoint ep(net::ip::make_address(host, ec), port);
      if (ec) {
        *err = ec.message();
        return false;
      }
      bool done = Run(
          [&](auto handler) {
            beast::get_lowest_layer(stream).socket().async_connect(ep, handler);
          },
          deadline, &ec);
      if (!done || ec) {
        *err = done ? "connect: " + ec.message() : "connect timeout";
        return false;
      }
      done = Run(
          [&](auto handler) { stream.async_handshake(net::ssl::stream_base::client, handler); },
          deadline, &ec);
      if (!done || ec) {
        *err = done ? "handshake: " + ec.message() : "handshake timeout";
        return false;
      }
      return true;
    }

    bool Write(http::request<http::string_body>& req, Clock::time_point deadline,
               std::string* err) {
      beast::error_code ec;
      bool done = Run([&](auto handler) { http::async_write(stream, req, handler); }, deadline,
                      &ec);
      if (!done || ec) {
        *err = done ? "write: " + ec.message() : "write timeout";
        return false;
      }
      return true;
    }

    // Starts `start(handler)` and runs the loop until the handler ran (true,
    // error in *ec) or the deadline passed (false).
    template <typename Start>
    bool Run(Start start, Clock::time_point deadline, beast::error_code* ec) {
      bool finished = false;
      start([&finished, ec](beast::error_code e, auto&&...) {
        finished = true;
        *ec = e;
      });
      ioc.restart();
      while (!finished) {
        auto now = Clock::now();
        if (now >= deadline) break;
        ioc.run_one_for(deadline - now);
      }
      if (!finished) {
        // Abort the pending operation so its handler does not outlive the
        // captured locals, then drain it.
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().cancel(ignored);
        beast::get_lowest_layer(stream).socket().close(ignored);
        ioc.restart();
        while (!finished && ioc.run_one_for(std::chrono::seconds(5))) {
        }
        return false;
      }
      return true;
    }

    std::string host;
    uint16_t port;
    net::io_context ioc;
    net::ssl::context ssl;
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
  };

  HttpsClient(std::string host, uint16_t port, std::string token = "")
      : host_(std::move(host)), port_(port), token_(std::move(token)) {}

  void set_token(std::string t) { token_ = std::move(t); }
  const std::string& token() const { return token_; }

  // A complete request/response exchange. `content_type` is sent when the
  // body is non-empty (or explicitly given). Extra headers override defaults.
  HttpResponse Do(const std::string& method, const std::string& target,
                  const std::string& body = "", const std::string& content_type = "",
                  const Headers& extra = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) const {
    HttpResponse out;
    Conn c(host_, port_);
    Clock::time_point deadline = Clock::now() + timeout;
    if (!c.Connect(deadline, &out.error)) return out;
    http::request<http::string_body> req = Build(method, target, body, content_type, extra);
    if (!c.Write(req, deadline, &out.error)) {
      // The server may answer (413) and close before it read the whole body;
      // still try to read what it said.
      out.error.clear();
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    parser.header_limit(1024 * 1024);
    if (method == "HEAD") parser.skip(true);
    beast::error_code ec;
    bool done = c.Run(
        [&](auto handler) { http::async_read(c.stream, c.buffer, parser, handler); }, deadline,
        &ec);
    if (!done || (ec && !parser.is_header_done())) {
      out.error = done ? ec.message() : "timeout";
      return out;
    }
    Fill(parser.get(), &out);
    return out;
  }

  // Convenience verbs.
  HttpResponse Get(const std::string& target, const Headers& extra = {}) const {
    return Do("GET", target, "", "", extra);
  }
  HttpResponse Post(const std::string& target, const boost::json::value& v,
                    const Headers& extra = {}) const {
    return Do("POST", target, boost::json::serialize(v), "application/json", extra);
  }
  HttpResponse Put(const std::string& target, const boost::json::value& v,
                   const Headers& extra = {}) const {
    return Do("PUT", target, boost::json::serialize(v), "application/json", extra);
  }
  HttpResponse Patch(const std::string& target, const std::string& content_type,
                     const std::string& body, const Headers& extra = {}) const {
    return Do("PATCH", target, body, content_type, extra);
  }
  HttpResponse Delete(const std::string& target, const std::string& body = "") const {
    return Do("DELETE", target, body, body.empty() ? "" : "application/json");
  }

  // Sends raw bytes (no HTTP framing added) on a fresh TLS connection and
  // returns whatever the server writes back until it closes or the deadline.
  std::string Raw(const std::string& bytes,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
    Conn c(host_, port_);
    Clock::time_point deadline = Clock::now() + timeout;
    std::string err;
    if (!c.Connect(deadline, &err)) return "";
    beast::error_code ec;
    c.Run([&](auto handler) { net::async_write(c.stream, net::buffer(bytes), handler); },
          deadline, &ec);
    std::string got;
    char buf[4096];
    for (;;) {
      size_t n = 0;
      bool done = c.Run(
          [&](auto handler) {
            c.stream.async_read_some(net::buffer(buf),
                                     [&n, handler](beast::error_code e, size_t k) mutable {
                                       n = k;
                                       handler(e, k);
                                     });
          },
          deadline, &ec);
      got.append(buf, n);
      if (!done || ec) break;
    }
    return got;
  }

  // A streaming response (watch): the head is read up front, then a reader
  // thread collects the body; tests take it line by line (newline-terminated
  // JSON events). Destroying the Stream closes the connection.
  class Stream {
   public:
    ~Stream() {
      if (reader_.joinable()) {
        net::post(conn_->ioc, [c = conn_.get()] {
          beast::error_code ignored;
          beast::get_lowest_layer(c->stream).socket().close(ignored);
        });
        reader_.join();
      }
    }
    int status() const { return status_; }
    const std::string& error() const { return error_; }
    std::string Header(const std::string& lower_name) const {
      auto it = headers_.find(lower_name);
      return it == headers_.end() ? "" : it->second;
    }
    // True once the server ended the response (last chunk or closed).
    bool ended() {
      std::lock_guard<std::mutex> l(mu_);
      return ended_;
    }
    // For non-2xx answers: the whole body (waits up to 5 s for its end).
    std::string body() {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, std::chrono::seconds(5), [&] { return ended_; });
      return data_.substr(consumed_);
    }

    // The next complete line (without '\n'), or nullopt at the deadline or
    // the end of the stream.
    std::optional<std::string> NextLine(std::chrono::milliseconds timeout) {
      std::unique_lock<std::mutex> l(mu_);
      std::optional<std::string> line;
      cv_.wait_for(l, timeout, [&] {
        size_t nl = data_.find('\n', consumed_);
        if (nl != std::string::npos) {
          line = data_.substr(consumed_, nl - consumed_);
          consumed_ = nl + 1;
          return true;
        }
        if (ended_ && consumed_ < data_.size()) {  // a last line without newline
          line = data_.substr(consumed_);
          consumed_ = data_.size();
          return true;
        }
        return ended_;
      });
      return line;
    }
    // The next line parsed as JSON (null value on timeout/end/garbage).
    boost::json::value NextEvent(std::chrono::milliseconds timeout) {
      auto line = NextLine(timeout);
      if (!line) return nullptr;
      boost::system::error_code ec;
      auto v = boost::json::parse(*line, ec);
      return ec ? boost::json::value() : v;
    }

   private:
    friend class HttpsClient;
    void StartReader() {
      ReadMore();
      reader_ = std::thread([this] {
        conn_->ioc.restart();
        conn_->ioc.run();
      });
    }
    void ReadMore() {
      http::async_read_some(conn_->stream, conn_->buffer, *parser_,
                            [this](beast::error_code ec, size_t) {
                              bool done = ec || parser_->is_done();
                              {
                                std::lock_guard<std::mutex> l(mu_);
                                data_ += parser_->get().body();
                                parser_->get().body().clear();
                                if (done) ended_ = true;
                              }
                              cv_.notify_all();
                              if (!done) ReadMore();
                            });
    }

    int status_ = 0;
    std::string error_;
    std::multimap<std::string, std::string> headers_;
    std::unique_ptr<Conn> conn_;
    std::unique_ptr<http::response_parser<http::string_body>> parser_;
    std::thread reader_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::string data_;
    size_t consumed_ = 0;
    bool ended_ = false;
  };

  std::unique_ptr<Stream> OpenStream(const std::string& target, const Headers& extra = {},
                                     std::chrono::milliseconds timeout =
                                         std::chrono::seconds(10)) const {
    auto s = std::make_unique<Stream>();
    s->conn_ = std::make_unique<Conn>(host_, port_);
    s->parser_ = std::make_unique<http::response_parser<http::string_body>>();
    s->parser_->body_limit(boost::none);
    Clock::time_point deadline = Clock::now() + timeout;
    s->ended_ = true;  // until the head is in
    if (!s->conn_->Connect(deadline, &s->error_)) return s;
    auto req = Build("GET", target, "", "", extra);
    if (!s->conn_->Write(req, deadline, &s->error_)) return s;
    beast::error_code ec;
    bool done = s->conn_->Run(
        [&](auto handler) {
          http::async_read_header(s->conn_->stream, s->conn_->buffer, *s->parser_, handler);
        },
        deadline, &ec);
    if (!done || ec) {
      s->error_ = done ? ec.message() : "timeout reading head";
      return s;
    }
    s->status_ = static_cast<int>(s->parser_->get().result_int());
    for (const auto& f : s->parser_->get()) {
      s->headers_.emplace(Lower(std::string(f.name_string())), std::string(f.value()));
    }
    s->data_ = s->parser_->get().body();
    s->parser_->get().body().clear();
    if (!s->parser_->is_done()) {
      s->ended_ = false;
      s->StartReader();
    }
    return s;
  }

 private:
  static std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  http::request<http::string_body> Build(const std::string& method, const std::string& target,
                                         const std::string& body,
                                         const std::string& content_type,
                                         const Headers& extra) const {
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, host_ + ":" + std::to_string(port_));
    req.set(http::field::user_agent, "berth-integration-test/1.0");
    req.set(http::field::accept, "application/json");
    if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    for (const auto& [k, v] : extra) req.set(k, v);
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.prepare_payload();
    }
    return req;
  }

  static void Fill(const http::response<http::string_body>& res, HttpResponse* out) {
    out->status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      out->headers.emplace(Lower(std::string(f.name_string())), std::string(f.value()));
    }
    out->body = res.body();
  }

  std::string host_;
  uint16_t port_;
  std::string token_;
};

}  // namespace berth::apiserver::testing

#include "apiserver/http/server.h"

#include "apiserver/http/hijack.h"

#include <netinet/in.h>
#include <openssl/x509.h>

#include <cerrno>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <iostream>
#include <mutex>

namespace berth::apiserver {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(300);
constexpr auto kHandshakeTimeout = std::chrono::seconds(15);

PeerIdentity IdentityFromSsl(SSL* ssl) {
  PeerIdentity id;
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return id;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    id.verified = true;
    X509_NAME* subj = X509_get_subject_name(cert);
    for (int i = 0; i < X509_NAME_entry_count(subj); ++i) {
      X509_NAME_ENTRY* e = X509_NAME_get_entry(subj, i);
      int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
      ASN1_STRING* data = X509_NAME_ENTRY_get_data(e);
      std::string v(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                    ASN1_STRING_length(data));
      if (nid == NID_commonName) id.common_name = v;
      if (nid == NID_organizationName) id.organizations.push_back(v);
    }
  }
  X509_free(cert);
  return id;
}

}  // namespace

// One TLS connection. Lives on its own strand; handler work goes to the pool.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, net::ssl::context& ctx, net::thread_pool& workers,
          HttpHandler* handler, size_t body_limit)
      : stream_(std::move(socket), ctx),
        workers_(workers),
        handler_(handler),
        body_limit_(body_limit) {}

  void Run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Handshake(); });
  }

  // --- called by responders (any thread) ---
  void SendResponse(Response r);
  void BeginStream(int status, std::string content_type,
                   std::vector<std::pair<std::string, std::string>> headers);
  void QueueChunk(std::string chunk, bool last);
  void SetStreamCloseCallback(std::function<void()> cb);
  bool stream_closed() const { return stream_closed_.load(); }
  void Hijack(std::function<void(HijackedConnection)> cb);

 private:
  void Handshake() {
    beast::get_lowest_layer(stream_).expires_after(kHandshakeTimeout);
    stream_.async_handshake(net::ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) {
                              if (ec) return;
                              self->peer_ = IdentityFromSsl(self->stream_.native_handle());
                              self->Read();
                            });
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(body_limit_);
    parser_->header_limit(64 * 1024);
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->OnRead(ec);
                     });
  }

  void OnRead(beast::error_code ec);
  void WriteQueued();
  void FinishStream();
  void Close() {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
  }
  void FireStreamClosed() {
    std::function<void()> cb;
    {
      std::lock_guard<std::mutex> l(cb_mu_);
      cb = std::move(stream_close_cb_);
      stream_close_cb_ = nullptr;
    }
    stream_closed_ = true;
    if (cb) cb();
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  net::thread_pool& workers_;
  HttpHandler* handler_;
  size_t body_limit_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  PeerIdentity peer_;
  bool keep_alive_ = true;
  unsigned version_ = 11;

  // Output queue: serialized bytes to write in order (responses or chunks).
  std::deque<std::string> out_;
  bool writing_ = false;
  bool close_after_write_ = false;
  bool read_after_write_ = false;

  // Streaming state.
  bool streaming_ = false;
  std::atomic<bool> stream_closed_{false};
  std::mutex cb_mu_;
  std::function<void()> stream_close_cb_;
  char probe_byte_ = 0;
};

namespace {

class SessionResponder final : public Responder, public StreamWriter,
                               public std::enable_shared_from_this<SessionResponder> {
 public:
  explicit SessionResponder(std::shared_ptr<Session> s) : s_(std::move(s)) {}
  void Send(Response r) override { s_->SendResponse(std::move(r)); }
  void Hijack(std::function<void(HijackedConnection)> cb) override { s_->Hijack(std::move(cb)); }
  std::shared_ptr<StreamWriter> StartStream(
      int status, std::string content_type,
      std::vector<std::pair<std::string, std::string>> headers) override {
    s_->BeginStream(status, std::move(content_type), std::move(headers));
    return std::shared_ptr<StreamWriter>(shared_from_this(), static_cast<StreamWriter*>(this));
  }
  bool Write(std::string chunk) override {
    if (s_->stream_closed() || done_) return false;
    s_->QueueChunk(std::move(chunk), false);
    return true;
  }
  void Close() override {
    if (done_.exchange(true)) return;
    s_->QueueChunk({}, true);
  }
  bool closed() const override { return done_ || s_->stream_closed(); }
  void OnClose(std::function<void()> cb) override { s_->SetStreamCloseCallback(std::move(cb)); }

 private:
  std::shared_ptr<Session> s_;
  std::atomic<bool> done_{false};
};

std::string StatusText(int code) {
  return std::string(http::obsolete_reason(static_cast<http::status>(code)));
}

std::string SimpleStatusBody(int code, const std::string& reason, const std::string& msg) {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")" +
         msg + R"(","reason":")" + reason + R"(","code":)" + std::to_string(code) + "}";
}

}  // namespace

void Session::OnRead(beast::error_code ec) {
  if (ec == http::error::end_of_stream || ec == net::error::eof ||
      ec == net::ssl::error::stream_truncated) {
    return Close();
  }
  if (ec == http::error::body_limit) {
    keep_alive_ = false;
    Response r;
    r.status = 413;
    r.body = SimpleStatusBody(413, "RequestEntityTooLarge",
                              "the request body exceeds the limit of 3 MiB");
    close_after_write_ = true;
    return SendResponse(std::move(r));
  }
  if (ec) return Close();

  auto msg = parser_->release();
  keep_alive_ = msg.keep_alive();
  version_ = msg.version();
  Request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  ParseTarget(req.target, &req.path, &req.query);
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = req.headers.emplace(name, std::string(f.value()));
    if (!inserted) it->second += ", " + std::string(f.value());
  }
  req.body = std::move(msg.body());
  req.peer = peer_;
  beast::error_code rec;
  auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(rec);
  if (!rec) req.remote_address = ep.address().to_string();
  beast::get_lowest_layer(stream_).expires_never();

  auto responder = std::make_shared<SessionResponder>(shared_from_this());
  net::post(workers_, [h = handler_, req = std::move(req), responder]() mutable {
    try {
      h->Handle(std::move(req), responder);
    } catch (const std::exception& e) {
      Response r;
      r.status = 500;
      r.body = SimpleStatusBody(500, "InternalError", "internal error");
      std::cerr << "handler exception: " << e.what() << "\n";
      responder->Send(std::move(r));
    }
  });
}

void Session::SendResponse(Response r) {
  net::post(stream_.get_executor(), [self = shared_from_this(), r = std::move(r)]() mutable {
    http::response<http::string_body> res{static_cast<http::status>(r.status), self->version_};
    res.set(http::field::content_type, r.content_type);
    res.set(http::field::cache_control, "no-cache, private");
    for (auto& [k, v] : r.headers) res.insert(k, v);
    res.keep_alive(self->keep_alive_ && !self->close_after_write_);
    res.body() = std::move(r.body);
    res.prepare_payload();
    std::ostringstream os;
    os << res;
    self->out_.push_back(os.str());
    if (!res.keep_alive()) self->close_after_write_ = true;
    self->read_after_write_ = !self->close_after_write_;
    self->WriteQueued();
  });
}

void Session::BeginStream(int status, std::string content_type,
                          std::vector<std::pair<std::string, std::string>> headers) {
  net::post(stream_.get_executor(), [self = shared_from_this(), status,
                                     ct = std::move(content_type),
                                     headers = std::move(headers)]() mutable {
    std::string head = "HTTP/1.1 " + std::to_string(status) + " " + StatusText(status) + "\r\n";
    head += "Content-Type: " + ct + "\r\nCache-Control: no-cache, private\r\n";
    for (auto& [k, v] : headers) head += k + ": " + v + "\r\n";
    head += "Transfer-Encoding: chunked\r\n\r\n";
    self->streaming_ = true;
    self->out_.push_back(std::move(head));
    self->WriteQueued();
    // Detect the client going away while we only write: a read completes
    // with an error (or data, which a watch client never sends).
    self->stream_.async_read_some(
        net::buffer(&self->probe_byte_, 1), [self](beast::error_code ec, size_t) {
          if (self->streaming_) {
            self->FireStreamClosed();
            if (ec) self->Close();
          }
        });
  });
}

void Session::QueueChunk(std::string chunk, bool last) {
  net::post(stream_.get_executor(), [self = shared_from_this(), chunk = std::move(chunk), last] {
    if (!self->streaming_) return;
    if (!chunk.empty()) {
      char len[32];
      snprintf(len, sizeof len, "%zx\r\n", chunk.size());
      self->out_.push_back(std::string(len) + chunk + "\r\n");
    }
    if (last) {
      self->out_.push_back("0\r\n\r\n");
      self->streaming_ = false;
      // The probe read is still pending; the simplest correct end of a
      // stream is to close the connection once the last chunk is out.
      self->close_after_write_ = true;
    }
    self->WriteQueued();
  });
}

void Session::SetStreamCloseCallback(std::function<void()> cb) {
  bool fire_now = false;
  {
    std::lock_guard<std::mutex> l(cb_mu_);
    if (stream_closed_) {
      fire_now = true;
    } else {
      stream_close_cb_ = std::move(cb);
    }
  }
  if (fire_now && cb) cb();
}

void Session::Hijack(std::function<void(HijackedConnection)> cb) {
  net::post(stream_.get_executor(), [self = shared_from_this(), cb = std::move(cb)]() mutable {
    // No read is pending while a handler runs, so the stream is idle: hand it over. The session
    // object stays alive (and owns the socket) as long as the handler keeps `keepalive`.
    HijackedConnection c;
    c.stream = &self->stream_;
    c.fd = beast::get_lowest_layer(self->stream_).socket().native_handle();
    auto data = self->buffer_.data();
    c.leftover.assign(static_cast<const char*>(data.data()), data.size());
    self->buffer_.consume(data.size());
    c.keepalive = self;
    net::post(self->workers_, [cb = std::move(cb), c = std::move(c)]() mutable { cb(std::move(c)); });
  });
}

void Session::WriteQueued() {
  if (writing_ || out_.empty()) return;
  writing_ = true;
  net::async_write(stream_, net::buffer(out_.front()),
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     self->writing_ = false;
                     self->out_.pop_front();
                     if (ec) {
                       self->out_.clear();
                       self->FireStreamClosed();
                       return self->Close();
                     }
                     if (!self->out_.empty()) return self->WriteQueued();
                     if (self->close_after_write_) {
                       self->FireStreamClosed();
                       return self->Close();
                     }
                     if (self->read_after_write_ && !self->streaming_) {
                       self->read_after_write_ = false;
                       self->Read();
                     }
                   });
}

class HttpServer::Listener : public std::enable_shared_from_this<HttpServer::Listener> {
 public:
  Listener(net::io_context& ioc, net::ssl::context& ctx, net::thread_pool& workers,
           HttpHandler* handler, size_t body_limit)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)), ctx_(ctx), workers_(workers),
        handler_(handler), body_limit_(body_limit) {}

  Status Listen(const tcp::endpoint& ep, bool freebind) {
    beast::error_code ec;
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec && freebind) {
      int one = 1;
      if (setsockopt(acceptor_.native_handle(), IPPROTO_IP, IP_FREEBIND, &one, sizeof one) != 0) {
        ec = beast::error_code(errno, boost::system::system_category());
      }
    }
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status(Reason::kInternalError, "listen on " + ep.address().to_string() + ":" +
                                                std::to_string(ep.port()) + ": " + ec.message());
    }
    return {};
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](
                                                       beast::error_code ec, tcp::socket s) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        s.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(s), self->ctx_, self->workers_, self->handler_,
                                  self->body_limit_)
            ->Run();
      }
      self->Accept();
    });
  }
  void Stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::ssl::context& ctx_;
  net::thread_pool& workers_;
  HttpHandler* handler_;
  size_t body_limit_;
};

HttpServer::HttpServer(Options opts, std::shared_ptr<net::ssl::context> ssl, HttpHandler* handler)
    : opts_(std::move(opts)), ssl_(std::move(ssl)), handler_(handler), ioc_(opts_.io_threads) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  beast::error_code ec;
  auto addr = net::ip::make_address(opts_.host, ec);
  if (ec) return BadRequest("invalid listen address " + opts_.host);
  std::vector<net::ip::address> extra;
  for (const std::string& h : opts_.extra_hosts) {
    extra.push_back(net::ip::make_address(h, ec));
    if (ec) return BadRequest("invalid listen address " + h);
  }
  workers_ = std::make_unique<net::thread_pool>(opts_.worker_threads);
  auto first = std::make_shared<Listener>(ioc_, *ssl_, *workers_, handler_, opts_.body_limit);
  BERTH_RETURN_IF_ERROR(first->Listen(tcp::endpoint(addr, opts_.port), /*freebind=*/false));
  bound_port_ = first->port();
  listeners_.push_back(std::move(first));
  for (const auto& a : extra) {
    auto l = std::make_shared<Listener>(ioc_, *ssl_, *workers_, handler_, opts_.body_limit);
    Status s = l->Listen(tcp::endpoint(a, bound_port_), /*freebind=*/true);
    if (!s.ok()) {
      listeners_.clear();
      return s;
    }
    listeners_.push_back(std::move(l));
  }
  for (auto& l : listeners_) l->Accept();
  for (int i = 0; i < opts_.io_threads; ++i) {
    io_threads_.emplace_back([this] { ioc_.run(); });
  }
  return {};
}

void HttpServer::Stop() {
  if (stopped_ || listeners_.empty()) return;
  stopped_ = true;
  for (auto& l : listeners_) l->Stop();
  ioc_.stop();
  for (auto& t : io_threads_) t.join();
  io_threads_.clear();
  if (workers_) {
    workers_->stop();
    workers_->join();
  }
}

}  // namespace berth::apiserver

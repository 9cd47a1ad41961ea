#include "client/api_client.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <fstream>

#include "common/base64.h"
#include <mutex>
#include <sstream>

namespace berth::client {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using SteadyClock = std::chrono::steady_clock;

// One TLS connection driven by its own io_context. Each operation runs the context until the
// operation completes or its deadline passes; after a failure the connection is discarded.
struct ApiClient::Conn {
  explicit Conn(net::ssl::context& ctx) : stream(ioc, ctx) {}

  template <typename Start>
  bool Run(Start start, SteadyClock::time_point deadline, beast::error_code* ec,
           const std::atomic<bool>* stop = nullptr) {
    bool finished = false;
    start([&finished, ec](beast::error_code e, auto&&...) {
      finished = true;
      *ec = e;
    });
    ioc.restart();
    while (!finished) {
      auto now = SteadyClock::now();
      if (now >= deadline || (stop && stop->load())) break;
      auto slice = std::min<SteadyClock::duration>(deadline - now, std::chrono::milliseconds(200));
      ioc.run_one_for(slice);
    }
    if (!finished) {
      beast::error_code ignored;
      beast::get_lowest_layer(stream).socket().cancel(ignored);
      beast::get_lowest_layer(stream).socket().close(ignored);
      ioc.restart();
      while (!finished && ioc.run_one_for(std::chrono::seconds(5))) {
      }
      *ec = net::error::timed_out;
      return false;
    }
    return true;
  }

  net::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

struct ApiClient::Pool {
  std::mutex mu;
  std::vector<std::unique_ptr<Conn>> idle;
  net::ssl::context ssl{net::ssl::context::tls_client};
};

namespace {

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status(Reason::kNotFound, "cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Reason ReasonForCode(int code) {
  switch (code) {
    case 400: return Reason::kBadRequest;
    case 401: return Reason::kUnauthorized;
    case 403: return Reason::kForbidden;
    case 404: return Reason::kNotFound;
    case 405: return Reason::kMethodNotAllowed;
    case 409: return Reason::kConflict;
    case 410: return Reason::kGone;
    case 413: return Reason::kRequestEntityTooLarge;
    case 415: return Reason::kUnsupportedMediaType;
    case 422: return Reason::kInvalid;
    case 429: return Reason::kTooManyRequests;
    case 503: return Reason::kServiceUnavailable;
    case 504: return Reason::kTimeout;
    default: return Reason::kInternalError;
  }
}

Reason ReasonForName(const std::string& name, int code) {
  static const std::pair<const char*, Reason> kNames[] = {
      {"BadRequest", Reason::kBadRequest}, {"Unauthorized", Reason::kUnauthorized},
      {"Forbidden", Reason::kForbidden},   {"NotFound", Reason::kNotFound},
      {"AlreadyExists", Reason::kAlreadyExists}, {"Conflict", Reason::kConflict},
      {"Gone", Reason::kGone},             {"Expired", Reason::kExpired},
      {"Invalid", Reason::kInvalid},       {"TooManyRequests", Reason::kTooManyRequests},
      {"ServiceUnavailable", Reason::kServiceUnavailable}, {"Timeout", Reason::kTimeout},
      {"MethodNotAllowed", Reason::kMethodNotAllowed},
      {"RequestEntityTooLarge", Reason::kRequestEntityTooLarge},
      {"UnsupportedMediaType", Reason::kUnsupportedMediaType},
      {"InternalError", Reason::kInternalError}};
  for (const auto& [n, r] : kNames)
    if (name == n) return r;
  return ReasonForCode(code);
}

}  // namespace

Status StatusFromResponse(int http_status, const std::string& body) {
  auto parsed = ParseJson(body);
  if (parsed.ok() && parsed->is_object()) {
    const auto& o = parsed->as_object();
    std::string reason = GetString(o, {"reason"});
    std::string message = GetString(o, {"message"});
    int code = static_cast<int>(GetInt(o, {"code"}, http_status));
    if (message.empty()) message = "HTTP " + std::to_string(code);
    StatusDetails details;
    details.name = GetString(o, {"details", "name"});
    details.kind = GetString(o, {"details", "kind"});
    details.group = GetString(o, {"details", "group"});
    return Status(ReasonForName(reason, code), message, details);
  }
  std::string msg = body.substr(0, 256);
  if (msg.empty()) msg = "HTTP " + std::to_string(http_status);
  return Status(ReasonForCode(http_status), msg);
}

std::string QueryEscape(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

StatusOr<ClientConfig> LoadKubeconfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  auto doc = ParseYaml(*text);
  if (!doc.ok()) return BadRequest("kubeconfig " + path + ": " + doc.status().message());
  if (!doc->is_object()) return BadRequest("kubeconfig " + path + ": not a mapping");
  const auto& root = doc->as_object();
  std::string context_name = GetString(root, {"current-context"});
  auto find_named = [&](const char* list, const std::string& name) -> const json::object* {
    const json::value* items = GetPath(root, {list});
    if (!items || !items->is_array()) return nullptr;
    for (const auto& item : items->as_array()) {
      if (!item.is_object()) continue;
      if (name.empty() || GetString(item.as_object(), {"name"}) == name) return &item.as_object();
    }
    return nullptr;
  };
  const json::object* context = find_named("contexts", context_name);
  std::string cluster_name = context ? GetString(*context, {"context", "cluster"}) : "";
  std::string user_name = context ? GetString(*context, {"context", "user"}) : "";
  const json::object* cluster = find_named("clusters", cluster_name);
  const json::object* user = find_named("users", user_name);
  if (!cluster) return BadRequest("kubeconfig " + path + ": no cluster");
  ClientConfig c;
  c.server = GetString(*cluster, {"cluster", "server"});
  auto data_or_file = [&](const json::object& o, std::initializer_list<std::string_view> data,
                          std::initializer_list<std::string_view> file) -> std::string {
    std::string d = GetString(o, data);
    if (!d.empty()) return Base64Decode(d);
    std::string f = GetString(o, file);
    if (f.empty()) return "";
    auto content = ReadFile(f);
    return content.ok() ? *content : "";
  };
  c.ca_pem = data_or_file(*cluster, {"cluster", "certificate-authority-data"},
                          {"cluster", "certificate-authority"});
  if (user) {
    c.cert_pem = data_or_file(*user, {"user", "client-certificate-data"},
                              {"user", "client-certificate"});
    c.key_pem = data_or_file(*user, {"user", "client-key-data"}, {"user", "client-key"});
    c.token = GetString(*user, {"user", "token"});
  }
  return c;
}

ApiClient::ApiClient(ClientConfig config) : config_(std::move(config)), pool_(new Pool) {
  std::string server = config_.server;
  auto url = boost::urls::parse_uri(server);
  if (url) {
    host_ = std::string(url->host_address());
    port_ = url->has_port() ? std::string(url->port()) : "443";
  }
  if (!host_.empty() && host_.front() == '[') host_ = host_.substr(1, host_.size() - 2);
  auto& ssl = pool_->ssl;
  boost::system::error_code ec;
  if (!config_.ca_pem.empty()) {
    ssl.add_certificate_authority(net::buffer(config_.ca_pem), ec);
    ssl.set_verify_mode(net::ssl::verify_peer);
  } else {
    ssl.set_verify_mode(net::ssl::verify_none);
  }
  if (!config_.cert_pem.empty()) {
    ssl.use_certificate_chain(net::buffer(config_.cert_pem), ec);
    ssl.use_private_key(net::buffer(config_.key_pem), net::ssl::context::pem, ec);
  }
}

ApiClient::~ApiClient() = default;

std::unique_ptr<ApiClient::Conn> ApiClient::Take(std::string* err) {
  {
    std::lock_guard<std::mutex> lock(pool_->mu);
    if (!pool_->idle.empty()) {
      auto c = std::move(pool_->idle.back());
      pool_->idle.pop_back();
      return c;
    }
  }
  auto conn = std::make_unique<Conn>(pool_->ssl);
  auto deadline = SteadyClock::now() + std::min(config_.timeout, std::chrono::milliseconds(10000));
  beast::error_code ec;
  net::ip::tcp::resolver resolver(conn->ioc);
  auto endpoints = resolver.resolve(host_, port_, ec);
  if (ec) {
    *err = "resolve " + host_ + ": " + ec.message();
    return nullptr;
  }
  bool ok = conn->Run(
      [&](auto handler) {
        beast::get_lowest_layer(conn->stream).socket().async_connect(*endpoints.begin(), handler);
      },
      deadline, &ec);
  if (!ok || ec) {
    *err = "connect " + host_ + ":" + port_ + ": " + ec.message();
    return nullptr;
  }
  beast::get_lowest_layer(conn->stream).socket().set_option(net::ip::tcp::no_delay(true), ec);
  SSL_set_tlsext_host_name(conn->stream.native_handle(), host_.c_str());
  ok = conn->Run(
      [&](auto handler) { conn->stream.async_handshake(net::ssl::stream_base::client, handler); },
      deadline, &ec);
  if (!ok || ec) {
    *err = "TLS handshake with " + host_ + ":" + port_ + ": " + ec.message();
    return nullptr;
  }
  return conn;
}

void ApiClient::Return(std::unique_ptr<Conn> conn) {
  std::lock_guard<std::mutex> lock(pool_->mu);
  // Enough idle connections for a node agent's concurrent pod workers: a smaller pool closes
  // connections under load and every new one costs a TLS handshake on both sides.
  if (pool_->idle.size() < 32) pool_->idle.push_back(std::move(conn));
}

StatusOr<RawResponse> ApiClient::Do(const std::string& method, const std::string& path,
                                    const std::string& body, const std::string& content_type) {
  // A pooled connection may have been closed by the server: retry once on a fresh one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string err;
    auto conn = Take(&err);
    if (!conn) return Status(Reason::kServiceUnavailable, err);
    http::request<http::string_body> req(http::string_to_verb(method), path, 11);
    req.set(http::field::host, host_);
    req.set(http::field::user_agent, config_.user_agent);
    req.set(http::field::accept, "application/json");
    if (!config_.token.empty()) req.set(http::field::authorization, "Bearer " + config_.token);
    if (!body.empty()) {
      req.set(http::field::content_type, content_type);
      req.body() = body;
    }
    req.keep_alive(true);
    req.prepare_payload();
    auto deadline = SteadyClock::now() + config_.timeout;
    beast::error_code ec;
    bool ok = conn->Run([&](auto h) { http::async_write(conn->stream, req, h); }, deadline, &ec);
    if (!ok || ec) {
      if (attempt == 0) continue;
      return Status(Reason::kServiceUnavailable, method + " " + path + ": " + ec.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 << 20);
    ok = conn->Run([&](auto h) { http::async_read(conn->stream, conn->buffer, parser, h); },
                   deadline, &ec);
    if (!ok) return Status(Reason::kTimeout, method + " " + path + ": timed out");
    if (ec) {
      if (attempt == 0 && (ec == http::error::end_of_stream || ec == net::error::eof ||
                           ec == net::ssl::error::stream_truncated ||
                           ec == net::error::connection_reset)) {
        continue;
      }
      return Status(Reason::kServiceUnavailable, method + " " + path + ": " + ec.message());
    }
    auto& res = parser.get();
    RawResponse out;
    out.status = static_cast<int>(res.result_int());
    out.content_type = std::string(res[http::field::content_type]);
    out.body = std::move(res.body());
    if (res.keep_alive()) Return(std::move(conn));
    return out;
  }
  return Status(Reason::kServiceUnavailable, method + " " + path + ": connection lost");
}

namespace {
StatusOr<json::value> JsonResult(StatusOr<RawResponse> r) {
  if (!r.ok()) return r.status();
  if (r->status < 200 || r->status >= 300) return StatusFromResponse(r->status, r->body);
  if (r->body.empty()) return json::value();
  return ParseJson(r->body);
}
}  // namespace

StatusOr<json::value> ApiClient::Get(const std::string& path) {
  return JsonResult(Do("GET", path));
}

StatusOr<json::value> ApiClient::Create(const std::string& path, const json::value& object) {
  return JsonResult(Do("POST", path, json::serialize(object)));
}

StatusOr<json::value> ApiClient::Update(const std::string& path, const json::value& object) {
  return JsonResult(Do("PUT", path, json::serialize(object)));
}

StatusOr<json::value> ApiClient::Patch(const std::string& path, const json::value& patch,
                                       PatchType type) {
  const char* ct = "application/merge-patch+json";
  if (type == PatchType::kStrategic) ct = "application/strategic-merge-patch+json";
  if (type == PatchType::kJson) ct = "application/json-patch+json";
  if (type == PatchType::kApply) ct = "application/apply-patch+yaml";
  return JsonResult(Do("PATCH", path, json::serialize(patch), ct));
}

Status ApiClient::Delete(const std::string& path, const json::value& options) {
  auto r = JsonResult(Do("DELETE", path, options.is_null() ? "" : json::serialize(options)));
  return r.ok() ? Status::Ok() : r.status();
}

Status ApiClient::Stream(const std::string& path,
                        const std::function<bool(std::string_view data)>& on_data,
                        const std::atomic<bool>* stop) {
  std::string err;
  auto conn = Take(&err);
  if (!conn) return Status(Reason::kServiceUnavailable, err);
  http::request<http::empty_body> req(http::verb::get, path, 11);
  req.set(http::field::host, host_);
  req.set(http::field::user_agent, config_.user_agent);
  req.set(http::field::accept, "application/json, */*");
  if (!config_.token.empty()) req.set(http::field::authorization, "Bearer " + config_.token);
  auto far = SteadyClock::now() + std::chrono::hours(24 * 365);
  beast::error_code ec;
  bool ok = conn->Run([&](auto h) { http::async_write(conn->stream, req, h); },
                      SteadyClock::now() + config_.timeout, &ec);
  if (!ok || ec) return Status(Reason::kServiceUnavailable, "GET " + path + ": " + ec.message());
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  ok = conn->Run([&](auto h) { http::async_read_header(conn->stream, conn->buffer, parser, h); },
                 SteadyClock::now() + config_.timeout, &ec, stop);
  if (!ok || ec) {
    if (stop && stop->load()) return Status::Ok();
    return Status(Reason::kServiceUnavailable, "GET " + path + ": " + ec.message());
  }
  int code = static_cast<int>(parser.get().result_int());
  std::string error_body;
  char chunk[65536];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    auto deadline = config_.stream_idle_timeout.count() > 0
                        ? SteadyClock::now() + config_.stream_idle_timeout
                        : far;
    ok = conn->Run([&](auto h) { http::async_read_some(conn->stream, conn->buffer, parser, h); },
                   deadline, &ec, stop);
    if (ec == http::error::need_buffer) ec = {};
    size_t got = sizeof chunk - parser.get().body().size;
    if (got > 0) {
      if (code >= 300) error_body.append(chunk, got);
      else if (!on_data(std::string_view(chunk, got))) return Status::Ok();
    }
    if (!ok || ec) {
      if (stop && stop->load()) return Status::Ok();
      if (!ok) return Status(Reason::kServiceUnavailable, "GET " + path + ": stream idle, reconnecting");
      if (ec == http::error::end_of_stream || ec == net::error::eof) break;
      return Status(Reason::kServiceUnavailable, "GET " + path + ": " + ec.message());
    }
  }
  if (code >= 300) return StatusFromResponse(code, error_body);
  return Status::Ok();
}

Status ApiClient::Watch(
    const std::string& path_with_query,
    const std::function<bool(const std::string& type, json::value& object)>& on_event,
    const std::atomic<bool>* stop) {
  std::string pending;
  Status parse_error;
  Status s = Stream(
      path_with_query,
      [&](std::string_view data) {
        pending.append(data);
        size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
          std::string line = pending.substr(0, nl);
          pending.erase(0, nl + 1);
          if (line.empty()) continue;
          auto ev = ParseJson(line);
          if (!ev.ok() || !ev->is_object()) {
            parse_error = InternalError("watch: bad event: " + line.substr(0, 200));
            return false;
          }
          std::string type = GetString(ev->as_object(), {"type"});
          json::value* obj = ev->as_object().if_contains("object");
          json::value empty;
          if (!on_event(type, obj ? *obj : empty)) return false;
        }
        return true;
      },
      stop);
  if (!parse_error.ok()) return parse_error;
  return s;
}

}  // namespace berth::client

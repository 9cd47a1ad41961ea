#include "image/http_client.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <cctype>

namespace berth::image {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// Runs one asynchronous operation to completion on `ioc` (so tcp_stream's timeouts apply).
template <typename Start>
beast::error_code Await(asio::io_context& ioc, Start&& start) {
  beast::error_code result;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

template <typename Stream>
Status Exchange(asio::io_context& ioc, Stream& stream, beast::tcp_stream& lowest,
                const http::request<http::empty_body>& req, const HttpFetchOptions& options,
                const std::string& where, HttpResponse* out) {
  auto fail = [&](const std::string& what, beast::error_code ec) {
    return InternalError("registry " + where + " unreachable: " + what + ": " + ec.message());
  };
  lowest.expires_after(options.timeout);
  if (auto ec = Await(ioc, [&](auto h) { http::async_write(stream, req, h); })) {
    return fail("sending request", ec);
  }
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  lowest.expires_after(options.timeout);
  if (auto ec = Await(ioc, [&](auto h) { http::async_read_header(stream, buffer, parser, h); })) {
    return fail("reading response", ec);
  }
  out->status = static_cast<int>(parser.get().result_int());
  for (const auto& f : parser.get()) {
    out->headers[Lower(std::string(f.name_string()))] = std::string(f.value());
  }
  bool to_sink = options.sink && out->status == 200;
  std::vector<char> chunk(1 << 16);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    lowest.expires_after(options.timeout);
    auto ec = Await(ioc, [&](auto h) { http::async_read(stream, buffer, parser, h); });
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return fail("reading body", ec);
    size_t n = chunk.size() - parser.get().body().size;
    if (to_sink) {
      BERTH_RETURN_IF_ERROR(options.sink(chunk.data(), n));
    } else {
      if (out->body.size() + n > options.max_body) {
        return InternalError("registry " + where + ": response body too large");
      }
      out->body.append(chunk.data(), n);
    }
  }
  return Status::Ok();
}

}  // namespace

std::string UrlEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

StatusOr<HttpResponse> HttpFetch(const HttpRequest& request, const HttpFetchOptions& options) {
  auto parsed = boost::urls::parse_uri(request.url);
  if (!parsed) return BadRequest("invalid URL \"" + request.url + "\"");
  const auto& url = *parsed;
  std::string scheme = Lower(std::string(url.scheme()));
  bool tls = scheme == "https";
  if (!tls && scheme != "http") return BadRequest("unsupported URL scheme in " + request.url);
  std::string host = std::string(url.host_address());
  std::string port = url.has_port() ? std::string(url.port()) : (tls ? "443" : "80");
  std::string where = std::string(url.encoded_host_and_port());
  std::string target = std::string(url.encoded_path());
  if (target.empty()) target = "/";
  if (url.has_query()) target += "?" + std::string(url.encoded_query());

  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, where);
  req.set(http::field::user_agent, "berth/0.1");
  req.set(http::field::connection, "close");
  for (const auto& [k, v] : request.headers) req.set(k, v);

  try {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    tcp::resolver::results_type endpoints;
    ec = Await(ioc, [&](auto h) {
      resolver.async_resolve(host, port,
                             [&endpoints, h](beast::error_code e, tcp::resolver::results_type r) mutable {
                               endpoints = std::move(r);
                               h(e);
                             });
    });
    if (ec) return InternalError("registry " + where + " unreachable: resolve: " + ec.message());
    HttpResponse out;
    if (!tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(options.timeout);
      ec = Await(ioc, [&](auto h) { stream.async_connect(endpoints, h); });
      if (ec) return InternalError("registry " + where + " unreachable: " + ec.message());
      BERTH_RETURN_IF_ERROR(Exchange(ioc, stream, stream, req, options, where, &out));
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      return out;
    }
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    stream.set_verify_callback(ssl::host_name_verification(host));
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
      return InternalError("registry " + where + ": cannot set TLS server name");
    }
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(options.timeout);
    ec = Await(ioc, [&](auto h) { lowest.async_connect(endpoints, h); });
    if (ec) return InternalError("registry " + where + " unreachable: " + ec.message());
    lowest.expires_after(options.timeout);
    ec = Await(ioc, [&](auto h) { stream.async_handshake(ssl::stream_base::client, h); });
    if (ec) return InternalError("registry " + where + ": TLS handshake failed: " + ec.message());
    BERTH_RETURN_IF_ERROR(Exchange(ioc, stream, lowest, req, options, where, &out));
    lowest.socket().shutdown(tcp::socket::shutdown_both, ec);
    return out;
  } catch (const std::exception& e) {
    return InternalError("registry " + where + ": " + e.what());
  }
}

}  // namespace berth::image

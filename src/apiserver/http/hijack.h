// HijackedConnection: a connection a handler took over after its request (WebSocket upgrades for
// exec). The handler owns it from then on and talks to it with the blocking helpers below, from
// one thread at a time (the TLS engine is not thread-safe). `keepalive` owns the underlying
// stream; the connection closes when the last copy is released.
#pragma once

#include <openssl/ssl.h>

#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <string>

namespace berth::apiserver {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

struct HijackedConnection {
  TlsStream* stream = nullptr;
  int fd = -1;
  std::string leftover;  // bytes the server had already read past the request
  std::shared_ptr<void> keepalive;
};

// True when decrypted or received-but-undecrypted bytes wait inside the TLS engine, so poll()
// on the socket would not report them.
template <typename Stream>
bool TlsHasPending(Stream& s) {
  SSL* ssl = s.native_handle();
  return SSL_pending(ssl) > 0 || BIO_pending(SSL_get_rbio(ssl)) > 0;
}

// Blocking read of what is available (at least one byte). > 0 bytes, 0 when the peer closed.
template <typename Stream>
long TlsReadSome(Stream& s, char* buf, size_t n) {
  boost::system::error_code ec;
  size_t got = s.read_some(boost::asio::buffer(buf, n), ec);
  if (got > 0) return static_cast<long>(got);
  return 0;
}

template <typename Stream>
bool TlsWriteAll(Stream& s, const std::string& data) {
  boost::system::error_code ec;
  boost::asio::write(s, boost::asio::buffer(data), ec);
  return !ec;
}

}  // namespace berth::apiserver

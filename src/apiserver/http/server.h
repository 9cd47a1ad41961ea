// HttpServer: HTTPS/1.1 on Boost.Beast. A few I/O threads own the sockets;
// each parsed request is handed to a worker pool where the HttpHandler may
// block (store writes wait for fsync). Responses and stream chunks are posted
// back to the connection's strand. Keep-alive, chunked streaming, a 3 MiB
// request body limit (413), and idle timeouts are handled here.
//
// Thread-safety: Start/Stop from one thread; everything else is internal.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/http/request.h"
#include "common/status.h"

namespace berth::apiserver {

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 0;  // 0 = pick a free port
    // More addresses served on the same port (the one `host` got). They are bound with
    // IP_FREEBIND: an address need not exist yet (a bridge the node agent creates later).
    std::vector<std::string> extra_hosts;
    int io_threads = 2;
    int worker_threads = 64;
    size_t body_limit = 3 * 1024 * 1024;
  };

  HttpServer(Options opts, std::shared_ptr<boost::asio::ssl::context> ssl, HttpHandler* handler);
  ~HttpServer();

  // Binds and starts serving. Fails with a Status when the address is taken.
  Status Start();
  // The bound port (after Start).
  uint16_t port() const { return bound_port_; }
  // Stops accepting, closes connections and joins threads.
  void Stop();

 private:
  class Listener;
  Options opts_;
  std::shared_ptr<boost::asio::ssl::context> ssl_;
  HttpHandler* handler_;
  boost::asio::io_context ioc_;
  std::unique_ptr<boost::asio::thread_pool> workers_;
  std::vector<std::shared_ptr<Listener>> listeners_;
  std::vector<std::thread> io_threads_;
  uint16_t bound_port_ = 0;
  bool stopped_ = false;
};

}  // namespace berth::apiserver

// http_server: a minimal, fast HTTP/1.1 server for service_bench's backend pod. It answers
// every request with 200 and a fixed body of BODY-BYTES and keeps the connection open
// (keep-alive), unless the request says "Connection: close": then it closes after the response
// (the server side closes first, as busybox httpd does). Requests are GETs without a body; a
// client that does not read its responses is disconnected. One thread, epoll, non-blocking
// sockets. Built statically so that it runs inside the busybox test image.
//
// Usage: http_server PORT [BODY-BYTES]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <string>
#include <unordered_map>

namespace {

struct Conn {
  std::string in;   // bytes received, not yet answered
  std::string out;  // bytes to send
};

void NonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: http_server PORT [BODY-BYTES]\n");
    return 2;
  }
  const int port = atoi(argv[1]);
  const size_t body = argc > 2 ? strtoul(argv[2], nullptr, 10) : 1024;
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body);
  const std::string keep_alive = head + "\r\n\r\n" + std::string(body, 'x');
  const std::string closing = head + "\r\nConnection: close\r\n\r\n" + std::string(body, 'x');

  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(lfd, 1024) != 0) {
    perror("http_server: bind/listen");
    return 1;
  }
  NonBlocking(lfd);
  int ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  std::unordered_map<int, Conn> conns;
  epoll_event events[256];
  char buf[16384];

  auto drop = [&](int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    conns.erase(fd);
  };
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == lfd) {
        for (;;) {
          int c = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK);
          if (c < 0) break;
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event cev{};
          cev.events = EPOLLIN | EPOLLRDHUP;
          cev.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
          conns[c];
        }
        continue;
      }
      Conn& conn = conns[fd];
      bool closed = false;
      for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r > 0) {
          conn.in.append(buf, static_cast<size_t>(r));
          continue;
        }
        closed = r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
        break;
      }
      // One response per complete request head (GET without a body).
      size_t end;
      bool close_after = false;
      while (!close_after && (end = conn.in.find("\r\n\r\n")) != std::string::npos) {
        std::string request = conn.in.substr(0, end);
        conn.in.erase(0, end + 4);
        for (char& ch : request) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
        close_after = request.find("\r\nconnection: close") != std::string::npos;
        conn.out += close_after ? closing : keep_alive;
      }
      while (!conn.out.empty()) {
        ssize_t w = write(fd, conn.out.data(), conn.out.size());
        if (w <= 0) break;  // a full socket buffer: the client reads slowly; drop the rest below
        conn.out.erase(0, static_cast<size_t>(w));
      }
      if (closed || close_after || !conn.out.empty()) drop(fd);
    }
  }
}

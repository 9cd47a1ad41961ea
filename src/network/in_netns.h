// InNetns: runs a function on a fresh thread that has joined the named network namespace
// (/run/netns/<name>), so sockets it opens live there; the caller's thread is untouched.
// Returns fn()'s result, or a value-initialised result when the namespace cannot be joined.
// For tests and benches that talk to addresses inside namespaces they created.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace berth::network {

template <typename F>
auto InNetns(const std::string& netns, F&& fn) -> decltype(fn()) {
  decltype(fn()) result{};
  std::thread t([&] {
    int fd = open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && setns(fd, CLONE_NEWNET) == 0) result = fn();
    if (fd >= 0) close(fd);
  });
  t.join();
  return result;
}

}  // namespace berth::network

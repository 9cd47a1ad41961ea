#include "runtime/exit_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace berth::runtime {

ExitWatcher::ExitWatcher(std::string exit_file_name) : exit_file_name_(std::move(exit_file_name)) {
  inotify_fd_ = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  thread_ = std::thread([this] { Loop(); });
}

ExitWatcher::~ExitWatcher() {
  uint64_t one = 1;
  if (write(stop_fd_, &one, sizeof one) < 0) {
  }
  thread_.join();
  close(inotify_fd_);
  close(stop_fd_);
}

void ExitWatcher::SetHandler(std::function<void(const std::string&)> handler) {
  std::lock_guard<std::mutex> lock(mu_);
  handler_ = std::move(handler);
}

void ExitWatcher::Watch(const std::string& id, const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  if (wd_by_id_.count(id) || inotify_fd_ < 0) return;
  int wd = inotify_add_watch(inotify_fd_, dir.c_str(), IN_MOVED_TO);
  if (wd < 0) return;
  wd_by_id_[id] = wd;
  ids_by_wd_[wd] = id;
}

void ExitWatcher::Unwatch(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = wd_by_id_.find(id);
  if (it == wd_by_id_.end()) return;
  inotify_rm_watch(inotify_fd_, it->second);
  ids_by_wd_.erase(it->second);
  wd_by_id_.erase(it);
}

void ExitWatcher::Loop() {
  alignas(inotify_event) char buf[8192];
  while (true) {
    pollfd p[2] = {{stop_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    int r = poll(p, 2, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (p[0].revents) return;
    if (!(p[1].revents & POLLIN)) continue;
    ssize_t n = read(inotify_fd_, buf, sizeof buf);
    if (n <= 0) continue;
    for (char* at = buf; at < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(at);
      at += sizeof(inotify_event) + ev->len;
      if (ev->len == 0 || exit_file_name_ != ev->name) continue;
      std::string id;
      std::function<void(const std::string&)> handler;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = ids_by_wd_.find(ev->wd);
        if (it == ids_by_wd_.end()) continue;
        id = it->second;
        handler = handler_;
      }
      if (handler) handler(id);
    }
  }
}

}  // namespace berth::runtime

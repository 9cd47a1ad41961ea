// ExitWatcher: one thread that watches container directories with inotify and calls the handler
// with the container id when the shim renames the exit file into place (IN_MOVED_TO), so the
// runtime learns of exits without polling.
//
// Thread-safety: Watch/Unwatch/SetHandler may be called from any thread. The handler runs on the
// watcher's thread without the watcher's lock held, so it may call back into the runtime.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace berth::runtime {

class ExitWatcher {
 public:
  // `exit_file_name` is the base name the shim writes in each container dir ("exit.json").
  explicit ExitWatcher(std::string exit_file_name);
  ~ExitWatcher();  // stops the thread
  ExitWatcher(const ExitWatcher&) = delete;
  ExitWatcher& operator=(const ExitWatcher&) = delete;

  void SetHandler(std::function<void(const std::string& id)> handler);
  // Starts watching `dir` for container `id`. Idempotent.
  void Watch(const std::string& id, const std::string& dir);
  void Unwatch(const std::string& id);

 private:
  void Loop();

  std::string exit_file_name_;
  int inotify_fd_ = -1;
  int stop_fd_ = -1;  // eventfd
  std::mutex mu_;
  std::function<void(const std::string&)> handler_;
  std::map<int, std::string> ids_by_wd_;
  std::map<std::string, int> wd_by_id_;
  std::thread thread_;
};

}  // namespace berth::runtime

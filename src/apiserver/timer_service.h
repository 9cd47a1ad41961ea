// TimerService: one thread that runs callbacks after a delay (watch
// timeouts, bookmarks). Callbacks must be short and must not block.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

namespace berth::apiserver {

class TimerService {
 public:
  TimerService();
  ~TimerService();
  // Runs `fn` after `delay`. Returns a handle; resetting the last copy of the
  // handle does not cancel — call Cancel() explicitly.
  class Handle {
   public:
    void Cancel();

   private:
    friend class TimerService;
    std::shared_ptr<boost::asio::steady_timer> timer_;
  };
  Handle After(std::chrono::milliseconds delay, std::function<void()> fn);

 private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

}  // namespace berth::apiserver

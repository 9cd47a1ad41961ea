#include "apiserver/timer_service.h"

#include <boost/asio/post.hpp>

namespace berth::apiserver {

TimerService::TimerService()
    : guard_(boost::asio::make_work_guard(ioc_)), thread_([this] { ioc_.run(); }) {}

TimerService::~TimerService() {
  guard_.reset();
  ioc_.stop();
  thread_.join();
}

TimerService::Handle TimerService::After(std::chrono::milliseconds delay,
                                         std::function<void()> fn) {
  Handle h;
  h.timer_ = std::make_shared<boost::asio::steady_timer>(ioc_, delay);
  h.timer_->async_wait([t = h.timer_, fn = std::move(fn)](boost::system::error_code ec) {
    if (!ec) fn();
  });
  return h;
}

void TimerService::Handle::Cancel() {
  if (!timer_) return;
  auto t = timer_;
  boost::asio::post(t->get_executor(), [t] { t->cancel(); });
}

}  // namespace berth::apiserver

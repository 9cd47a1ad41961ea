// ControlPlane: a real in-process API server (SQLite store in a temp dir) with an in-process
// client, shared informers, a manual clock and an event recorder — the fixture controller tests
// run against. Header-only; include from any tests/controllers/* test.
//
//   testing::ControlPlane cp;                 // starts the server
//   MyController c(cp.ctx());                 // registers informer handlers
//   cp.StartInformers();                      // lists + watches, waits for sync
//   cp.Create("/apis/apps/v1/namespaces/default/replicasets", rs);
//   cp.WaitFor([&] { return c.queue().Len() > 0; });   // condition wait, not a sleep
//   ASSERT_TRUE(c.SyncNow("default/web").ok());
//   cp.clock.Advance(std::chrono::seconds(30));        // simulated time
//
// Teardown order: a controller's informer handlers capture the controller, and the informers run
// until they are stopped. A controller the test destroys before this ControlPlane (the usual
// `ControlPlane cp; std::unique_ptr<C> ctrl;` members: ctrl dies first) must not outlive the
// informers' threads, so call cp.StopInformers() in TearDown (or before destroying the controller
// otherwise); a handler running on a destroyed controller corrupts the heap.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "apiserver/server.h"
#include "client/event_recorder.h"
#include "common/json.h"
#include "controller/controller.h"
#include "controller/informer.h"

namespace berth::testing {

class ControlPlane {
 public:
  ControlPlane() {
    static std::atomic<int> seq{0};
    dir_ = "/tmp/berth-ctrltest-" + std::to_string(getpid()) + "-" + std::to_string(seq++);
    std::filesystem::remove_all(dir_);
    apiserver::ServerOptions so;
    so.data_dir = dir_;
    so.listen = "127.0.0.1:0";
    so.worker_threads = 4;
    server_ = std::make_unique<apiserver::Server>(so);
    Status st = server_->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
    client_ = server_->NewLocalClient("berth-controller-test", "system:kube-controller-manager");
    informers_ = std::make_unique<controller::InformerFactory>(client_.get());
    recorder_ = std::make_unique<client::EventRecorder>(client_.get(), &clock, "berth-test", "");
  }
  ~ControlPlane() {
    StopInformers();
    recorder_.reset();
    server_->Stop();
    std::filesystem::remove_all(dir_);
  }

  controller::Context ctx() {
    return controller::Context{client_.get(), informers_.get(), &clock, recorder_.get()};
  }
  client::Interface* client() { return client_.get(); }
  controller::InformerFactory* informers() { return informers_.get(); }
  client::EventRecorder* recorder() { return recorder_.get(); }

  void StartInformers() {
    informers_->StartAll();
    ASSERT_TRUE(informers_->WaitForSync(std::chrono::seconds(10)));
  }
  // Stops the informers and joins their threads: no handler runs after this returns, so the
  // controllers may be destroyed. Idempotent; the caches stay readable.
  void StopInformers() { informers_->StopAll(); }
  // Stops the informers when it goes out of scope. Declare it after controllers that are locals
  // of a test body, so the informers stop (also on an ASSERT's early return) before they go.
  struct InformerStopper {
    ControlPlane* cp;
    ~InformerStopper() { cp->StopInformers(); }
  };
  [[nodiscard]] InformerStopper StopInformersOnExit() { return InformerStopper{this}; }

  // Waits (condition polling, 5 ms steps, 10 s max) until `cond` holds; false on timeout.
  static bool WaitFor(const std::function<bool()>& cond,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!cond()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  json::object Create(const std::string& collection_path, const json::value& obj) {
    auto r = client_->Create(collection_path, obj);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && r->is_object() ? r->as_object() : json::object{};
  }
  json::object MustGet(const std::string& path) {
    auto r = client_->Get(path);
    EXPECT_TRUE(r.ok()) << path << ": " << r.status().ToString();
    return r.ok() && r->is_object() ? r->as_object() : json::object{};
  }
  // Objects of a collection path (items of the list).
  json::array List(const std::string& collection_path) {
    auto r = client_->Get(collection_path);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || !r->is_object()) return {};
    auto* items = r->as_object().if_contains("items");
    return items && items->is_array() ? items->as_array() : json::array{};
  }

  ManualClock clock;

 private:
  std::string dir_;
  std::unique_ptr<apiserver::Server> server_;
  std::unique_ptr<client::Interface> client_;
  std::unique_ptr<controller::InformerFactory> informers_;
  std::unique_ptr<client::EventRecorder> recorder_;
};

}  // namespace berth::testing

// IntegrationTest: a gtest fixture that runs one real berth API server per
// test suite (fresh temp data dir, 127.0.0.1, port 0) and hands tests an
// authenticated HttpsClient. Derive a suite from it:
//   class IntegrationCrud : public IntegrationTest {};
// The data dir is removed after the suite.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "../testing/https_client.h"
#include "apiserver/server.h"

namespace berth::apiserver::testing {

namespace json = boost::json;

class IntegrationTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() { StartServer(ServerOptions{}); }
  static void TearDownTestSuite() { StopServer(true); }

 public:
  // Starts a server on a new (or, when `keep_dir` was used, the previous) dir.
  static void StartServer(ServerOptions opts) {
    if (data_dir_.empty()) {
      std::string tmpl =
          (std::filesystem::temp_directory_path() / "berth-integ-XXXXXX").string();
      ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
      data_dir_ = tmpl;
    }
    opts.data_dir = data_dir_;
    opts.listen = "127.0.0.1:0";
    opts.worker_threads = 16;
    server_ = new Server(opts);
    Status st = server_->Start();
    ASSERT_TRUE(st.ok()) << st.message();
    ASSERT_NE(server_->port(), 0);
    std::ifstream in(data_dir_ + "/pki/admin.token");
    std::getline(in, token_);
    ASSERT_FALSE(token_.empty());
  }
  // Stops the server; removes the data dir unless `remove_dir` is false.
  static void StopServer(bool remove_dir) {
    delete server_;
    server_ = nullptr;
    if (remove_dir && !data_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(data_dir_, ec);
      data_dir_.clear();
    }
  }

  static HttpsClient Client() { return HttpsClient("127.0.0.1", server_->port(), token_); }
  static HttpsClient Anonymous() { return HttpsClient("127.0.0.1", server_->port(), ""); }

  // A unique DNS label for this test run ("prefix-N").
  static std::string Unique(const std::string& prefix) {
    static std::atomic<int> n{0};
    return prefix + "-" + std::to_string(++n);
  }

  // Creates a namespace and returns its name.
  static std::string MakeNamespace(const std::string& prefix = "ns") {
    std::string ns = Unique(prefix);
    auto r = Client().Post("/api/v1/namespaces",
                           json::object{{"apiVersion", "v1"},
                                        {"kind", "Namespace"},
                                        {"metadata", json::object{{"name", ns}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return ns;
  }

  static json::object ConfigMap(const std::string& name, json::object data = {},
                                json::object labels = {}) {
    json::object meta{{"name", name}};
    if (!labels.empty()) meta["labels"] = std::move(labels);
    return json::object{{"apiVersion", "v1"},
                        {"kind", "ConfigMap"},
                        {"metadata", std::move(meta)},
                        {"data", std::move(data)}};
  }

  static json::object Deployment(const std::string& name, int64_t replicas = 1,
                                 const std::string& image = "nginx:1.27") {
    json::object container{{"name", "web"}, {"image", image}};
    return json::object{
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata", json::object{{"name", name}}},
        {"spec",
         json::object{
             {"replicas", replicas},
             {"selector", json::object{{"matchLabels", json::object{{"app", name}}}}},
             {"template",
              json::object{
                  {"metadata", json::object{{"labels", json::object{{"app", name}}}}},
                  {"spec", json::object{{"containers", json::array{container}}}}}}}}};
  }

  static std::string CmPath(const std::string& ns, const std::string& name = "") {
    return "/api/v1/namespaces/" + ns + "/configmaps" + (name.empty() ? "" : "/" + name);
  }
  static std::string DeployPath(const std::string& ns, const std::string& name = "") {
    return "/apis/apps/v1/namespaces/" + ns + "/deployments" + (name.empty() ? "" : "/" + name);
  }

  // Reads a string at a dotted path ("metadata.name"); "" when absent.
  static std::string Str(const json::value& v, const std::string& dotted) {
    const json::value* cur = At(v, dotted);
    return cur && cur->is_string() ? std::string(cur->get_string()) : "";
  }
  static int64_t Int(const json::value& v, const std::string& dotted, int64_t def = -1) {
    const json::value* cur = At(v, dotted);
    return cur && cur->is_int64() ? cur->get_int64() : def;
  }
  static const json::value* At(const json::value& v, const std::string& dotted) {
    const json::value* cur = &v;
    size_t pos = 0;
    while (cur && pos <= dotted.size()) {
      size_t dot = dotted.find('.', pos);
      std::string key = dotted.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
      if (cur->is_object()) {
        cur = cur->as_object().if_contains(key);
      } else if (cur->is_array() && !key.empty() &&
                 key.find_first_not_of("0123456789") == std::string::npos) {
        size_t i = std::stoul(key);
        cur = i < cur->as_array().size() ? &cur->as_array()[i] : nullptr;
      } else {
        return nullptr;
      }
      if (dot == std::string::npos) break;
      pos = dot + 1;
    }
    return cur;
  }

  // Asserts that `r` is a Kubernetes Status failure with this code and reason.
  static ::testing::AssertionResult IsStatus(const HttpResponse& r, int code,
                                             const std::string& reason) {
    if (r.status != code) {
      return ::testing::AssertionFailure()
             << "HTTP " << r.status << " (want " << code << "): " << r.body << r.error;
    }
    json::value v = r.Json();
    if (Str(v, "kind") != "Status" || Str(v, "apiVersion") != "v1" ||
        Str(v, "status") != "Failure" || Int(v, "code") != code || Str(v, "reason") != reason) {
      return ::testing::AssertionFailure()
             << "not a Status{Failure," << code << "," << reason << "}: " << r.body;
    }
    return ::testing::AssertionSuccess();
  }

  // Polls `pred` until it holds or `timeout` passes.
  template <typename Pred>
  static bool Eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return pred();
  }

  static inline Server* server_ = nullptr;
  static inline std::string data_dir_;
  static inline std::string token_;
};

}  // namespace berth::apiserver::testing

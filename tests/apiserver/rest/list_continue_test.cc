// Paged lists through ResourceHandler over a real SQLite store: a continue token whose revision
// was compacted away gets 410 Expired carrying an "inconsistent" token that continues from the
// same key at the latest revision. Also the Accept check behind 406 for untransformable answers.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <functional>
#include <utility>
#include <memory>
#include <string>

#include "api/kinds/kinds.h"
#include "apiserver/rest/request_info.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/table.h"
#include "apiserver/timer_service.h"
#include "common/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace berth::apiserver {
namespace {

namespace json = boost::json;

// Keeps the one response a plain request sends.
class CapturingResponder : public Responder {
 public:
  void Hijack(std::function<void(HijackedConnection)>) override { ADD_FAILURE() << "hijack"; }
  void Send(Response r) override { response = std::move(r); }
  std::shared_ptr<StreamWriter> StartStream(int, std::string,
                                            std::vector<std::pair<std::string, std::string>>)
      override {
    ADD_FAILURE() << "stream";
    return nullptr;
  }
  Response response;
};

// Delegates to a real store; runs `after_get` once right after the next Get (a write that
// lands between the handler's reads).
class RacingStore : public store::Store {
 public:
  explicit RacingStore(store::Store* inner) : inner_(inner) {}
  StatusOr<store::KeyValue> Get(const std::string& key, int64_t revision) override {
    auto r = inner_->Get(key, revision);
    if (after_get) std::exchange(after_get, nullptr)();
    return r;
  }
  StatusOr<store::ListResult> List(const std::string& prefix, const std::string& start,
                                   int64_t limit, int64_t revision) override {
    return inner_->List(prefix, start, limit, revision);
  }
  StatusOr<int64_t> Create(const std::string& k, const std::string& v) override {
    return inner_->Create(k, v);
  }
  StatusOr<int64_t> Update(const std::string& k, const std::string& v,
                           store::WriteOptions o) override {
    return inner_->Update(k, v, o);
  }
  StatusOr<int64_t> Delete(const std::string& k, store::WriteOptions o) override {
    return inner_->Delete(k, o);
  }
  StatusOr<std::unique_ptr<store::Watch>> WatchPrefix(const std::string& p, int64_t from,
                                                      store::WatchCallback cb) override {
    return inner_->WatchPrefix(p, from, std::move(cb));
  }
  Status Compact(int64_t revision) override { return inner_->Compact(revision); }
  int64_t CurrentRevision() override { return inner_->CurrentRevision(); }
  int64_t OldestRevision() override { return inner_->OldestRevision(); }

  std::function<void()> after_get;

 private:
  store::Store* inner_;
};

class ListContinueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "berth-listc-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto st = store::SqliteStore::Open(dir_ + "/state.db");
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    handler_ = std::make_unique<ResourceHandler>(store_.get(), &api::BuiltinRegistry(),
                                                 &SystemClock::Get(), &timers_);
    // Objects need their namespace.
    ASSERT_EQ(Call("POST", "/api/v1/namespaces",
                   R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"}})")
                  .status,
              201);
  }
  void TearDown() override {
    handler_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  Response Call(const std::string& method, const std::string& target, const std::string& body = "") {
    Request req;
    req.method = method;
    req.target = target;
    ParseTarget(target, &req.path, &req.query);
    req.body = body;
    if (!body.empty()) req.headers["content-type"] = "application/json";
    RequestInfo info = ParseRequestInfo(req);
    auto t = api::BuiltinRegistry().Find(info.group, info.version, info.resource);
    EXPECT_NE(t, nullptr) << target;
    auto responder = std::make_shared<CapturingResponder>();
    handler_->Handle(info, *t, req, responder);
    return responder->response;
  }
  void CreateConfigMap(const std::string& name) {
    Response r = Call("POST", "/api/v1/namespaces/default/configmaps",
                      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
                          R"("}})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  static json::object Body(const Response& r) { return json::parse(r.body).as_object(); }
  static std::vector<std::string> Names(const json::object& list) {
    std::vector<std::string> out;
    for (const auto& i : list.at("items").as_array()) {
      out.emplace_back(i.at("metadata").at("name").as_string());
    }
    return out;
  }

  std::string dir_;
  TimerService timers_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<ResourceHandler> handler_;
};

TEST_F(ListContinueTest, CompactedTokenGets410WithInconsistentContinuation) {
  for (const char* n : {"a", "b", "c", "d", "e"}) CreateConfigMap(n);
  const std::string base = "/api/v1/namespaces/default/configmaps?limit=2";
  Response first = Call("GET", base);
  ASSERT_EQ(first.status, 200) << first.body;
  json::object page = Body(first);
  EXPECT_EQ(Names(page), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(page.at("metadata").at("remainingItemCount").to_number<int64_t>(), 3);
  std::string token(page.at("metadata").at("continue").as_string());

  // Changes after the first page, then the first page's revision is compacted away.
  CreateConfigMap("bb");
  ASSERT_EQ(Call("DELETE", "/api/v1/namespaces/default/configmaps/d").status, 200);
  ASSERT_TRUE(store_->Compact(store_->CurrentRevision()).ok());

  Response expired = Call("GET", base + "&continue=" + token);
  ASSERT_EQ(expired.status, 410) << expired.body;
  json::object status = Body(expired);
  EXPECT_EQ(status.at("reason").as_string(), "Expired");
  std::string inconsistent(status.at("metadata").at("continue").as_string());
  ASSERT_FALSE(inconsistent.empty());

  // The inconsistent token continues after "b" at the latest revision: it sees "bb" and not "d".
  Response next = Call("GET", base + "&continue=" + inconsistent);
  ASSERT_EQ(next.status, 200) << next.body;
  page = Body(next);
  EXPECT_EQ(Names(page), (std::vector<std::string>{"bb", "c"}));
  EXPECT_EQ(page.at("metadata").at("remainingItemCount").to_number<int64_t>(), 1);
  EXPECT_EQ(page.at("metadata").at("resourceVersion").as_string(),
            std::to_string(store_->CurrentRevision()));
  // ... and its own token is a normal, consistent one.
  Response last = Call("GET", base + "&continue=" +
                                  std::string(page.at("metadata").at("continue").as_string()));
  ASSERT_EQ(last.status, 200) << last.body;
  page = Body(last);
  EXPECT_EQ(Names(page), (std::vector<std::string>{"e"}));
  EXPECT_FALSE(page.at("metadata").as_object().contains("continue"));
}

TEST(AcceptsOnlyTransformed, TableOnlyVersusFallbacks) {
  auto with = [](const std::string& accept) {
    Request r;
    r.headers["accept"] = accept;
    return AcceptsOnlyTransformed(r);
  };
  EXPECT_TRUE(with("application/json;as=Table;v=v1;g=meta.k8s.io"));
  EXPECT_TRUE(with("application/json;as=Table;v=v1;g=meta.k8s.io, "
                   "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"));
  EXPECT_FALSE(with("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
  EXPECT_FALSE(with("application/json"));
  EXPECT_FALSE(with("*/*"));
  EXPECT_FALSE(with(""));
}

// A list by metadata.name is a point read; its resourceVersion must be the revision the object
// was read at. Were it taken after the read, a delete landing in between would give a list that
// still shows the object at a revision after its deletion, and a watch from there (kubectl
// delete --wait) would never see the DELETED event.
TEST_F(ListContinueTest, NameSelectedListIsConsistentWithItsRevision) {
  CreateConfigMap("gone");
  std::string key;
  auto all = store_->List("", "", 0);
  ASSERT_TRUE(all.ok());
  for (const auto& kv : all->kvs) {
    if (kv.key.size() > 5 && kv.key.compare(kv.key.size() - 5, 5, "/gone") == 0) key = kv.key;
  }
  ASSERT_FALSE(key.empty());
  RacingStore racing(store_.get());
  handler_ = std::make_unique<ResourceHandler>(&racing, &api::BuiltinRegistry(),
                                               &SystemClock::Get(), &timers_);
  int64_t deleted_at = 0;
  racing.after_get = [&] {
    auto d = store_->Delete(key);
    ASSERT_TRUE(d.ok());
    deleted_at = *d;
  };
  Response r = Call("GET", "/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dgone");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_GT(deleted_at, 0);
  json::object list = Body(r);
  int64_t rv = std::stoll(std::string(list.at("metadata").at("resourceVersion").as_string()));
  EXPECT_EQ(Names(list), std::vector<std::string>{"gone"});
  EXPECT_LT(rv, deleted_at) << "the list shows the object at a revision after its deletion";
}

}  // namespace
}  // namespace berth::apiserver

// Integration: chunked watch streams.
#include <chrono>

#include "integration_fixture.h"
#include "store/sqlite/sqlite_store.h"

namespace berth::apiserver::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class IntegrationWatch : public IntegrationTest {
 public:
  static std::string ListRv(const std::string& path) {
    return Str(Client().Get(path).Json(), "metadata.resourceVersion");
  }
};

TEST_F(IntegrationWatch, EventsFromResourceVersionInOrder) {
  std::string ns = MakeNamespace();
  auto c = Client();
  std::string rv = ListRv(CmPath(ns));
  auto created = c.Post(CmPath(ns), ConfigMap("w", {{"k", "1"}}));
  ASSERT_EQ(created.status, 201);
  json::object upd = created.Json().as_object();
  upd["data"] = json::object{{"k", "2"}};
  ASSERT_EQ(c.Put(CmPath(ns, "w"), upd).status, 200);
  ASSERT_EQ(c.Delete(CmPath(ns, "w")).status, 200);

  auto s = c.OpenStream(CmPath(ns) + "?watch=true&resourceVersion=" + rv);
  ASSERT_EQ(s->status(), 200) << s->error() << s->body();
  EXPECT_EQ(s->Header("transfer-encoding"), "chunked");
  EXPECT_NE(s->Header("content-type").find("application/json"), std::string::npos);
  const char* want[] = {"ADDED", "MODIFIED", "DELETED"};
  int64_t last_rv = std::stoll(rv);
  for (const char* type : want) {
    json::value ev = s->NextEvent(seconds(5));
    ASSERT_TRUE(ev.is_object()) << "missing " << type;
    EXPECT_EQ(Str(ev, "type"), type);
    EXPECT_EQ(Str(ev, "object.kind"), "ConfigMap");
    EXPECT_EQ(Str(ev, "object.apiVersion"), "v1");
    EXPECT_EQ(Str(ev, "object.metadata.name"), "w");
    int64_t erv = std::stoll(Str(ev, "object.metadata.resourceVersion"));
    EXPECT_GT(erv, last_rv) << "events arrive in revision order";
    last_rv = erv;
  }
  EXPECT_EQ(s->NextEvent(seconds(5)).is_object(), false);  // nothing else... for a moment

  // Live events after the stream is open.
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("live")).status, 201);
  json::value ev = s->NextEvent(seconds(5));
  EXPECT_EQ(Str(ev, "type"), "ADDED");
  EXPECT_EQ(Str(ev, "object.metadata.name"), "live");
}

TEST_F(IntegrationWatch, WatchWithoutResourceVersionStartsWithState) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("pre")).status, 201);
  auto s = c.OpenStream(CmPath(ns) + "?watch=1");
  ASSERT_EQ(s->status(), 200);
  json::value ev = s->NextEvent(seconds(5));
  EXPECT_EQ(Str(ev, "type"), "ADDED");
  EXPECT_EQ(Str(ev, "object.metadata.name"), "pre");
}

TEST_F(IntegrationWatch, LabelSelectorMatchTransitions) {
  std::string ns = MakeNamespace();
  auto c = Client();
  std::string rv = ListRv(CmPath(ns));
  auto s = c.OpenStream(CmPath(ns) + "?watch=true&labelSelector=app%3Dw&resourceVersion=" + rv);
  ASSERT_EQ(s->status(), 200);

  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("other", {}, {{"app", "x"}})).status, 201);
  auto cr = c.Post(CmPath(ns), ConfigMap("m", {}, {{"app", "w"}}));
  ASSERT_EQ(cr.status, 201);
  json::value ev = s->NextEvent(seconds(5));
  EXPECT_EQ(Str(ev, "type"), "ADDED");
  EXPECT_EQ(Str(ev, "object.metadata.name"), "m") << "non-matching objects are not sent";

  auto relabel = [&](const std::string& app) {
    json::object o = c.Get(CmPath(ns, "m")).Json().as_object();
    o["metadata"].as_object()["labels"] = json::object{{"app", app}};
    return c.Put(CmPath(ns, "m"), o).status;
  };
  ASSERT_EQ(relabel("x"), 200);
  ev = s->NextEvent(seconds(5));
  EXPECT_EQ(Str(ev, "type"), "DELETED") << json::serialize(ev);
  EXPECT_EQ(Str(ev, "object.metadata.name"), "m");

  ASSERT_EQ(relabel("w"), 200);
  ev = s->NextEvent(seconds(5));
  EXPECT_EQ(Str(ev, "type"), "ADDED") << json::serialize(ev);

  json::object o = c.Get(CmPath(ns, "m")).Json().as_object();
  o["data"] = json::object{{"z", "1"}};
  ASSERT_EQ(c.Put(CmPath(ns, "m"), o).status, 200);
  ev = s->NextEvent(seconds(5));
  EXPECT_EQ(Str(ev, "type"), "MODIFIED") << json::serialize(ev);
}

TEST_F(IntegrationWatch, TimeoutSecondsEndsStream) {
  std::string ns = MakeNamespace();
  auto start = std::chrono::steady_clock::now();
  auto s = Client().OpenStream(CmPath(ns) + "?watch=true&timeoutSeconds=1&resourceVersion=" +
                               ListRv(CmPath(ns)));
  ASSERT_EQ(s->status(), 200);
  auto line = s->NextLine(seconds(10));
  EXPECT_FALSE(line.has_value());
  EXPECT_TRUE(s->ended()) << "the server must end the stream after timeoutSeconds";
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, milliseconds(900));
  EXPECT_LT(took, seconds(5));
}

TEST_F(IntegrationWatch, TableWatchYieldsRows) {
  std::string ns = MakeNamespace();
  auto c = Client();
  std::string rv = ListRv(CmPath(ns));
  auto s = c.OpenStream(CmPath(ns) + "?watch=true&resourceVersion=" + rv,
                        {{"Accept", "application/json;as=Table;v=v1;g=meta.k8s.io"}});
  ASSERT_EQ(s->status(), 200);
  EXPECT_NE(s->Header("content-type").find("as=Table"), std::string::npos);
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("t1")).status, 201);
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("t2")).status, 201);
  json::value e1 = s->NextEvent(seconds(5));
  EXPECT_EQ(Str(e1, "type"), "ADDED");
  EXPECT_EQ(Str(e1, "object.kind"), "Table");
  EXPECT_EQ(Str(e1, "object.rows.0.cells.0"), "t1") << json::serialize(e1);
  EXPECT_NE(At(e1, "object.columnDefinitions"), nullptr) << "first event carries the columns";
  json::value e2 = s->NextEvent(seconds(5));
  EXPECT_EQ(Str(e2, "object.rows.0.cells.0"), "t2");
}

TEST_F(IntegrationWatch, BadWatchParameters) {
  auto c = Client();
  auto r = c.Do("GET", "/api/v1/configmaps?watch=true&resourceVersion=xyz");
  EXPECT_TRUE(IsStatus(r, 400, "BadRequest"));
  r = c.Do("GET", "/api/v1/configmaps?watch=true&fieldSelector=spec.nope%3D1");
  EXPECT_TRUE(IsStatus(r, 400, "BadRequest"));
}

// Watching from a compacted revision yields one ERROR event with a 410 Status.
// The server compacts on its own only every minute, so the test compacts the
// store itself while the server is down, then restarts the server on the
// same data directory.
class IntegrationWatchCompacted : public IntegrationTest {};

TEST_F(IntegrationWatchCompacted, TooOldResourceVersionIsGone) {
  std::string ns = MakeNamespace();
  auto c = Client();
  std::string old_rv = Str(c.Get(CmPath(ns)).Json(), "metadata.resourceVersion");
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("c" + std::to_string(i))).status, 201);
  }
  std::string new_rv = Str(c.Get(CmPath(ns)).Json(), "metadata.resourceVersion");
  StopServer(false);
  {
    auto st = store::SqliteStore::Open(data_dir_ + "/state.db");
    ASSERT_TRUE(st.ok()) << st.status().message();
    ASSERT_TRUE((*st)->Compact(std::stoll(new_rv) - 2).ok());
  }
  StartServer(ServerOptions{});
  auto s = Client().OpenStream(CmPath(ns) + "?watch=true&resourceVersion=" + old_rv);
  ASSERT_EQ(s->status(), 200) << s->body();
  json::value ev = s->NextEvent(seconds(5));
  ASSERT_EQ(Str(ev, "type"), "ERROR") << json::serialize(ev);
  EXPECT_EQ(Str(ev, "object.kind"), "Status");
  EXPECT_EQ(Int(ev, "object.code"), 410);
  EXPECT_EQ(Str(ev, "object.reason"), "Expired");
  EXPECT_NE(Str(ev, "object.message").find("too old resource version"), std::string::npos);
  EXPECT_FALSE(s->NextLine(seconds(5)).has_value());
  EXPECT_TRUE(s->ended());

  // A continue token from before the compaction is 410 too.
  // And a recent revision still works.
  auto ok = Client().OpenStream(CmPath(ns) + "?watch=true&timeoutSeconds=1&resourceVersion=" + new_rv);
  EXPECT_EQ(ok->status(), 200);
  json::value none = ok->NextEvent(seconds(3));
  EXPECT_NE(Str(none, "type"), "ERROR");
}

}  // namespace
}  // namespace berth::apiserver::testing

// Integration: list selectors, paging, consistent reads at a resourceVersion.
#include <set>

#include "integration_fixture.h"

namespace berth::apiserver::testing {
namespace {

class IntegrationList : public IntegrationTest {};

std::set<std::string> Names(const HttpResponse& r) {
  std::set<std::string> out;
  json::value v = r.Json();
  const json::value* items = IntegrationTest::At(v, "items");
  if (!items || !items->is_array()) return {"<no items: " + r.body + ">"};
  for (const auto& it : items->as_array()) out.insert(IntegrationTest::Str(it, "metadata.name"));
  return out;
}

TEST_F(IntegrationList, LabelSelectors) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("a", {}, {{"app", "web"}, {"tier", "front"}})).status, 201);
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("b", {}, {{"app", "web"}, {"tier", "back"}})).status, 201);
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("c", {}, {{"app", "db"}})).status, 201);
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("d")).status, 201);

  using S = std::set<std::string>;
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?labelSelector=app%3Dweb")), (S{"a", "b"}));
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?labelSelector=app%3D%3Dweb,tier%21%3Dback")), (S{"a"}));
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?labelSelector=app%20in%20(web,db)")), (S{"a", "b", "c"}));
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?labelSelector=app%20notin%20(web)")), (S{"c", "d"}));
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?labelSelector=tier")), (S{"a", "b"}));
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?labelSelector=%21tier")), (S{"c", "d"}));
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?labelSelector=app%3Dnone")), S{});

  auto bad = c.Get(CmPath(ns) + "?labelSelector=app%20in%20web");
  EXPECT_TRUE(IsStatus(bad, 400, "BadRequest")) << bad.body;
}

TEST_F(IntegrationList, FieldSelectors) {
  std::string ns = MakeNamespace();
  auto c = Client();
  for (const char* n : {"one", "two", "three"}) ASSERT_EQ(c.Post(CmPath(ns), ConfigMap(n)).status, 201);
  using S = std::set<std::string>;
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?fieldSelector=metadata.name%3Dtwo")), (S{"two"}));
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?fieldSelector=metadata.name%21%3Dtwo")), (S{"one", "three"}));
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?fieldSelector=metadata.name%3Dnope")), S{});
  EXPECT_EQ(Names(c.Get(CmPath(ns) + "?fieldSelector=metadata.namespace%3D" + ns)),
            (S{"one", "two", "three"}));

  auto bad = c.Get(CmPath(ns) + "?fieldSelector=spec.bogus%3Dx");
  ASSERT_TRUE(IsStatus(bad, 400, "BadRequest"));
  EXPECT_NE(Str(bad.Json(), "message").find("field label not supported: spec.bogus"),
            std::string::npos)
      << bad.body;
  // Pods do support spec.nodeName and status.phase.
  EXPECT_EQ(c.Get("/api/v1/namespaces/" + ns + "/pods?fieldSelector=spec.nodeName%3Dn1").status, 200);
  EXPECT_EQ(c.Get("/api/v1/pods?fieldSelector=status.phase%21%3DRunning").status, 200);
}

TEST_F(IntegrationList, PagingWithContinue) {
  std::string ns = MakeNamespace();
  auto c = Client();
  std::set<std::string> want;
  for (int i = 0; i < 25; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "cm-%02d", i);
    want.insert(name);
    ASSERT_EQ(c.Post(CmPath(ns), ConfigMap(name)).status, 201);
  }
  auto first = c.Get(CmPath(ns) + "?limit=10");
  ASSERT_EQ(first.status, 200) << first.body;
  json::value f = first.Json();
  EXPECT_EQ(At(f, "items")->as_array().size(), 10u);
  EXPECT_EQ(Int(f, "metadata.remainingItemCount"), 15) << first.body.substr(0, 300);
  std::string cont = Str(f, "metadata.continue");
  ASSERT_FALSE(cont.empty());
  std::string rv = Str(f, "metadata.resourceVersion");

  // A write between pages is not visible: pages are read at the first page's revision.
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("cm-99-late")).status, 201);

  std::set<std::string> seen = Names(first);
  int pages = 1;
  while (!cont.empty() && pages < 10) {
    auto page = c.Get(CmPath(ns) + "?limit=10&continue=" + cont);
    ASSERT_EQ(page.status, 200) << page.body;
    json::value p = page.Json();
    EXPECT_EQ(Str(p, "metadata.resourceVersion"), rv);
    for (const auto& n : Names(page)) EXPECT_TRUE(seen.insert(n).second) << "duplicate " << n;
    cont = Str(p, "metadata.continue");
    if (pages == 1) {
      EXPECT_EQ(Int(p, "metadata.remainingItemCount"), 5);
    }
    ++pages;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, want);

  // A garbage continue token is a 400.
  EXPECT_TRUE(IsStatus(c.Get(CmPath(ns) + "?limit=10&continue=bm90LWEtdG9rZW4="), 400,
                       "BadRequest"));
  EXPECT_TRUE(IsStatus(c.Get(CmPath(ns) + "?limit=10&continue=%25%25%25"), 400, "BadRequest"));
}

TEST_F(IntegrationList, MissingNamespaceListsEmpty) {
  auto r = Client().Get(CmPath("does-not-exist"));
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v = r.Json();
  EXPECT_EQ(Str(v, "kind"), "ConfigMapList");
  ASSERT_NE(At(v, "items"), nullptr) << "items must be [] not absent: " << r.body;
  EXPECT_TRUE(At(v, "items")->as_array().empty());
}

TEST_F(IntegrationList, ResourceVersionMatchExactReadsOlderState) {
  std::string ns = MakeNamespace();
  auto c = Client();
  auto a = c.Post(CmPath(ns), ConfigMap("v", {{"x", "old"}}));
  ASSERT_EQ(a.status, 201);
  std::string rv_old = Str(c.Get(CmPath(ns)).Json(), "metadata.resourceVersion");
  json::object upd = a.Json().as_object();
  upd["data"] = json::object{{"x", "new"}};
  ASSERT_EQ(c.Put(CmPath(ns, "v"), upd).status, 200);
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("w")).status, 201);

  auto now = c.Get(CmPath(ns));
  EXPECT_EQ(Names(now), (std::set<std::string>{"v", "w"}));
  auto old = c.Get(CmPath(ns) + "?resourceVersion=" + rv_old + "&resourceVersionMatch=Exact");
  ASSERT_EQ(old.status, 200) << old.body;
  EXPECT_EQ(Names(old), (std::set<std::string>{"v"}));
  EXPECT_EQ(Str(old.Json(), "items.0.data.x"), "old");
  EXPECT_EQ(Str(old.Json(), "metadata.resourceVersion"), rv_old);

  // NotOlderThan with a future revision times out (504 Timeout upstream).
  auto future = c.Get(CmPath(ns) + "?resourceVersion=999999999&resourceVersionMatch=NotOlderThan");
  EXPECT_TRUE(IsStatus(future, 504, "Timeout")) << future.body;
  EXPECT_TRUE(IsStatus(c.Get(CmPath(ns) + "?resourceVersion=abc"), 400, "BadRequest"));
}

TEST_F(IntegrationList, TableForm) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("t1", {{"a", "1"}, {"b", "2"}})).status, 201);
  auto r = c.Get(CmPath(ns), {{"Accept",
                               "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.Header("content-type").find("as=Table"), std::string::npos);
  json::value t = r.Json();
  EXPECT_EQ(Str(t, "kind"), "Table");
  EXPECT_EQ(Str(t, "apiVersion"), "meta.k8s.io/v1");
  EXPECT_EQ(Str(t, "columnDefinitions.0.name"), "Name") << r.body;
  ASSERT_EQ(At(t, "rows")->as_array().size(), 1u);
  EXPECT_EQ(Str(t, "rows.0.cells.0"), "t1");
  EXPECT_EQ(Int(t, "rows.0.cells.1"), 2) << "DATA column counts keys";
}

}  // namespace
}  // namespace berth::apiserver::testing

// The documents generated from berth's real kinds (BuiltinRegistry).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>

#include "api/openapi/openapi.h"

namespace berth::api::openapi {
namespace {

void CollectRefs(const json::value& v, std::vector<std::string>& out) {
  if (const auto* o = v.if_object()) {
    for (const auto& kv : *o) {
      if (kv.key() == "$ref" && kv.value().is_string()) {
        out.emplace_back(kv.value().as_string());
      } else {
        CollectRefs(kv.value(), out);
      }
    }
  } else if (const auto* a = v.if_array()) {
    for (const auto& x : *a) CollectRefs(x, out);
  }
}

bool HasGvk(const json::value& schema, const ResourceType& rt) {
  const auto* o = schema.if_object();
  if (o == nullptr || !o->contains("x-kubernetes-group-version-kind")) return false;
  for (const auto& g : o->at("x-kubernetes-group-version-kind").as_array()) {
    if (g.at("group").as_string() == rt.group && g.at("version").as_string() == rt.version &&
        g.at("kind").as_string() == rt.kind) {
      return true;
    }
  }
  return false;
}

TEST(BuiltinOpenApi, EveryGroupVersionIsCompleteAndResolves) {
  const Registry& r = BuiltinRegistry();
  ASSERT_FALSE(r.All().empty());
  json::value root = Root(r);
  const auto& paths = root.at("paths").as_object();
  for (const auto& t : r.All()) {
    const ResourceType& rt = *t;
    std::string key = GroupVersionKey(rt.group, rt.version);
    ASSERT_TRUE(paths.contains(key)) << key;
    json::value doc = json::parse(GroupVersionDocument(r, rt.group, rt.version));
    const auto& schemas = doc.at("components").at("schemas").as_object();

    // The kind's schema is findable by GVK, as kubectl explain looks it up.
    bool found = false;
    for (const auto& kv : schemas) found = found || HasGvk(kv.value(), rt);
    EXPECT_TRUE(found) << rt.ApiVersion() << " " << rt.kind;

    // PATCH on the object advertises fieldValidation.
    std::string prefix = rt.group.empty() ? "/api/" + rt.version
                                          : "/apis/" + rt.group + "/" + rt.version;
    std::string item = prefix + (rt.namespaced ? "/namespaces/{namespace}/" : "/") + rt.plural +
                       "/{name}";
    const auto& doc_paths = doc.at("paths").as_object();
    ASSERT_TRUE(doc_paths.contains(item)) << item;
    bool has_patch = std::find(rt.verbs.begin(), rt.verbs.end(), "patch") != rt.verbs.end();
    if (has_patch) {
      bool field_validation = false;
      for (const auto& p : doc_paths.at(item).at("patch").at("parameters").as_array()) {
        field_validation = field_validation || p.at("name").as_string() == "fieldValidation";
      }
      EXPECT_TRUE(field_validation) << item;
    }

    std::vector<std::string> refs;
    CollectRefs(doc, refs);
    for (const auto& ref : refs) {
      EXPECT_TRUE(schemas.contains(ref.substr(std::string("#/components/schemas/").size())))
          << key << ": dangling " << ref;
    }
  }
}

// Writes the documents to $BERTH_OPENAPI_DUMP_DIR (root.json and one file per
// group-version, "/" replaced by "_") for manual checks with a real kubectl.
TEST(BuiltinOpenApi, DumpWhenAsked) {
  const char* dir = std::getenv("BERTH_OPENAPI_DUMP_DIR");
  if (dir == nullptr) GTEST_SKIP() << "set BERTH_OPENAPI_DUMP_DIR to dump the documents";
  const Registry& r = BuiltinRegistry();
  std::ofstream(std::string(dir) + "/root.json") << json::serialize(Root(r));
  std::set<std::string> done;
  for (const auto& t : r.All()) {
    std::string key = GroupVersionKey(t->group, t->version);
    if (!done.insert(key).second) continue;
    std::string file = key;
    for (char& c : file) c = c == '/' ? '_' : c;
    std::ofstream(std::string(dir) + "/" + file + ".json")
        << GroupVersionDocument(r, t->group, t->version);
  }
}

}  // namespace
}  // namespace berth::api::openapi

#include <gtest/gtest.h>

#include <set>

#include "api/kinds/kinds.h"

namespace berth::api {
namespace {

const Field& Must(const SchemaPtr& s, const std::string& name) {
  const Field* f = s->FindField(name);
  EXPECT_NE(f, nullptr) << name;
  static const Field kNone;
  return f ? *f : kNone;
}

SchemaPtr ItemOf(const SchemaPtr& s, const std::string& name) { return Must(s, name).schema->items; }

TEST(CoreSchemaTest, ObjectMetaProtoTags) {
  SchemaPtr m = ObjectMetaSchema();
  EXPECT_EQ(m->name, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  EXPECT_EQ(Must(m, "name").proto_tag, 1);
  EXPECT_EQ(Must(m, "generateName").proto_tag, 2);
  EXPECT_EQ(Must(m, "namespace").proto_tag, 3);
  EXPECT_EQ(Must(m, "uid").proto_tag, 5);
  EXPECT_EQ(Must(m, "resourceVersion").proto_tag, 6);
  EXPECT_EQ(Must(m, "creationTimestamp").proto_tag, 8);
  EXPECT_EQ(Must(m, "labels").proto_tag, 11);
  EXPECT_EQ(Must(m, "annotations").proto_tag, 12);
  EXPECT_EQ(Must(m, "ownerReferences").proto_tag, 13);
  EXPECT_EQ(Must(m, "managedFields").proto_tag, 17);
  EXPECT_EQ(Must(m, "ownerReferences").schema->list_type, ListType::kMap);
  EXPECT_EQ(Must(m, "ownerReferences").schema->merge_keys, std::vector<std::string>{"uid"});
  EXPECT_EQ(Must(m, "finalizers").schema->list_type, ListType::kSet);
  EXPECT_EQ(ItemOf(m, "managedFields")->FindField("fieldsV1")->schema->type, Type::kAny);
  EXPECT_EQ(ObjectMetaSchema().get(), m.get()) << "shared node built once";
}

TEST(CoreSchemaTest, LabelSelectorIsAtomic) {
  SchemaPtr s = LabelSelectorSchema();
  EXPECT_TRUE(s->atomic);
  EXPECT_EQ(Must(s, "matchLabels").proto_tag, 1);
  EXPECT_EQ(Must(s, "matchExpressions").proto_tag, 2);
}

TEST(CoreSchemaTest, PodSpecAndContainerTags) {
  SchemaPtr spec = PodSpecSchema();
  EXPECT_EQ(spec->name, "io.k8s.api.core.v1.PodSpec");
  EXPECT_EQ(Must(spec, "volumes").proto_tag, 1);
  EXPECT_EQ(Must(spec, "containers").proto_tag, 2);
  EXPECT_TRUE(Must(spec, "containers").required);
  EXPECT_EQ(Must(spec, "restartPolicy").proto_tag, 3);
  EXPECT_EQ(Must(spec, "nodeName").proto_tag, 10);
  EXPECT_EQ(Must(spec, "initContainers").proto_tag, 20);
  EXPECT_EQ(Must(spec, "tolerations").proto_tag, 22);
  EXPECT_EQ(Must(spec, "tolerations").schema->list_type, ListType::kAtomic);
  EXPECT_EQ(Must(spec, "enableServiceLinks").proto_tag, 30);
  EXPECT_EQ(Must(spec, "topologySpreadConstraints").proto_tag, 33);

  SchemaPtr c = ItemOf(spec, "containers");
  EXPECT_EQ(c->name, "io.k8s.api.core.v1.Container");
  EXPECT_EQ(Must(c, "name").proto_tag, 1);
  EXPECT_EQ(Must(c, "image").proto_tag, 2);
  EXPECT_EQ(Must(c, "ports").proto_tag, 6);
  EXPECT_EQ(Must(c, "env").proto_tag, 7);
  EXPECT_EQ(Must(c, "resources").proto_tag, 8);
  EXPECT_EQ(Must(c, "imagePullPolicy").proto_tag, 14);
  EXPECT_EQ(Must(c, "startupProbe").proto_tag, 22);
  EXPECT_EQ(Must(c, "ports").schema->merge_keys,
            (std::vector<std::string>{"containerPort", "protocol"}));
  EXPECT_EQ(Must(c, "env").schema->merge_keys, std::vector<std::string>{"name"});
  EXPECT_EQ(Must(c, "volumeMounts").schema->merge_keys, std::vector<std::string>{"mountPath"});

  SchemaPtr port = ItemOf(c, "ports");
  EXPECT_EQ(Must(port, "containerPort").proto_tag, 3);
  EXPECT_EQ(Must(port, "protocol").proto_tag, 4);
  SchemaPtr env = ItemOf(c, "env");
  EXPECT_EQ(Must(env, "valueFrom").proto_tag, 3);
  SchemaPtr from = Must(env, "valueFrom").schema;
  EXPECT_NE(from->FindField("configMapKeyRef"), nullptr);
  EXPECT_NE(from->FindField("secretKeyRef"), nullptr);
  SchemaPtr res = Must(c, "resources").schema;
  EXPECT_EQ(Must(res, "limits").proto_tag, 1);
  EXPECT_EQ(Must(res, "requests").proto_tag, 2);
  EXPECT_EQ(Must(res, "limits").schema->items->type, Type::kQuantity);

  SchemaPtr vol = ItemOf(spec, "volumes");
  EXPECT_EQ(Must(spec, "volumes").schema->merge_keys, std::vector<std::string>{"name"});
  for (const char* src : {"emptyDir", "configMap", "secret", "hostPath", "downwardAPI",
                          "projected", "persistentVolumeClaim"}) {
    EXPECT_NE(vol->FindField(src), nullptr) << src;
  }
  SchemaPtr affinity = Must(spec, "affinity").schema;
  EXPECT_NE(affinity->FindField("podAntiAffinity"), nullptr);
}

TEST(CoreSchemaTest, TemplateAndKindSchema) {
  SchemaPtr t = PodTemplateSpecSchema();
  EXPECT_EQ(Must(t, "metadata").proto_tag, 1);
  EXPECT_EQ(Must(t, "spec").schema.get(), PodSpecSchema().get());
  SchemaPtr k = KindSchema("io.example.v1.Thing", "A thing.", {F("spec", Any(), "Spec.", 2)});
  ASSERT_EQ(k->fields.size(), 4u);
  EXPECT_EQ(k->fields[0].name, "apiVersion");
  EXPECT_EQ(k->fields[2].schema.get(), ObjectMetaSchema().get());
  EXPECT_EQ(k->fields[3].proto_tag, 2);
}

TEST(CoreSchemaTest, EveryDescriptionIsPresent) {
  // kubectl explain prints the field descriptions; none may be blank.
  std::vector<SchemaPtr> todo{PodSpecSchema(), ObjectMetaSchema()};
  std::set<const Schema*> seen;
  while (!todo.empty()) {
    SchemaPtr s = todo.back();
    todo.pop_back();
    if (!s || !seen.insert(s.get()).second) continue;
    for (const Field& f : s->fields) {
      EXPECT_FALSE(f.description.empty()) << s->name << "." << f.name;
      todo.push_back(f.schema);
    }
    todo.push_back(s->items);
  }
}

TEST(CoreSchemaTest, RegistryOrderAndDiscovery) {
  Registry r;
  RegisterCoreKinds(r);
  std::vector<std::string> plurals;
  for (const auto& t : r.All()) plurals.push_back(t->plural);
  EXPECT_EQ(plurals, (std::vector<std::string>{"pods", "replicationcontrollers", "services",
                                               "namespaces", "nodes", "endpoints", "configmaps",
                                               "secrets", "events", "serviceaccounts",
                                               "resourcequotas", "limitranges", "podtemplates"}));
  auto pods = r.Find("", "v1", "pods");
  ASSERT_TRUE(pods);
  EXPECT_EQ(pods->short_names, std::vector<std::string>{"po"});
  EXPECT_EQ(pods->categories, std::vector<std::string>{"all"});
  EXPECT_TRUE(pods->has_status);
  EXPECT_FALSE(r.Find("", "v1", "namespaces")->namespaced);
  EXPECT_FALSE(r.Find("", "v1", "nodes")->namespaced);
  EXPECT_EQ(r.Find("", "v1", "endpoints")->list_kind, "EndpointsList");
  EXPECT_EQ(r.FindKind("", "Service")->schema->FindField("spec")->proto_tag, 2);
  for (const auto& t : r.All()) {
    ASSERT_TRUE(t->schema) << t->plural;
    ASSERT_TRUE(t->row_fn) << t->plural;
    EXPECT_FALSE(t->columns.empty()) << t->plural;
  }
}

TEST(CoreSchemaTest, ServiceAndDataKindTags) {
  Registry r;
  RegisterCoreKinds(r);
  SchemaPtr spec = r.FindKind("", "Service")->schema->FindField("spec")->schema;
  EXPECT_EQ(spec->FindField("ports")->proto_tag, 1);
  EXPECT_EQ(spec->FindField("selector")->proto_tag, 2);
  EXPECT_EQ(spec->FindField("clusterIP")->proto_tag, 3);
  EXPECT_EQ(spec->FindField("type")->proto_tag, 4);
  SchemaPtr port = spec->FindField("ports")->schema->items;
  EXPECT_EQ(port->FindField("port")->proto_tag, 3);
  EXPECT_EQ(port->FindField("targetPort")->proto_tag, 4);
  EXPECT_EQ(port->FindField("targetPort")->schema->type, Type::kIntOrString);
  EXPECT_EQ(port->FindField("nodePort")->proto_tag, 5);
  SchemaPtr cm = r.FindKind("", "ConfigMap")->schema;
  EXPECT_EQ(cm->FindField("data")->proto_tag, 2);
  EXPECT_EQ(cm->FindField("binaryData")->proto_tag, 3);
  EXPECT_EQ(cm->FindField("immutable")->proto_tag, 4);
  SchemaPtr secret = r.FindKind("", "Secret")->schema;
  EXPECT_EQ(secret->FindField("data")->proto_tag, 2);
  EXPECT_EQ(secret->FindField("type")->proto_tag, 3);
  EXPECT_EQ(secret->FindField("stringData")->proto_tag, 4);
  SchemaPtr ns = r.FindKind("", "Namespace")->schema;
  EXPECT_EQ(ns->FindField("spec")->schema->FindField("finalizers")->proto_tag, 1);
  EXPECT_EQ(ns->FindField("status")->proto_tag, 3);
}

}  // namespace
}  // namespace berth::api

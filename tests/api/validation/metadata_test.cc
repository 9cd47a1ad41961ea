#include "api/validation/metadata.h"

#include <gtest/gtest.h>

#include <string>

#include "api/validation/field_error.h"

namespace berth::api::validation {
namespace {

json::object Meta(std::string_view text) { return json::parse(text).as_object(); }

std::string Joined(const std::vector<Cause>& causes) {
  std::string s;
  for (const auto& c : causes) s += c.type + "|" + c.field + ": " + c.message + "\n";
  return s;
}

TEST(MetadataTest, ValidObjectHasNoCauses) {
  auto causes = ValidateObjectMeta(
      Meta(R"({"name":"web-1","namespace":"default","labels":{"app":"web","x.io/tier":""},
              "annotations":{"Example.com/Note":"hi"},"finalizers":["example.com/cleanup"],
              "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs",
                                  "uid":"u1","controller":true}]})"),
      true, NameRule::kDNS1123Subdomain, true);
  EXPECT_TRUE(causes.empty()) << Joined(causes);
}

TEST(MetadataTest, NameRequired) {
  auto causes = ValidateObjectMeta(Meta(R"({"namespace":"default"})"), true,
                                   NameRule::kDNS1123Subdomain, true);
  ASSERT_EQ(causes.size(), 1u) << Joined(causes);
  EXPECT_EQ(causes[0].type, "FieldValueRequired");
  EXPECT_EQ(causes[0].field, "metadata.name");
  EXPECT_EQ(causes[0].message, "Required value: name or generateName is required");
  // generateName alone is enough on create, not on update.
  EXPECT_TRUE(ValidateObjectMeta(Meta(R"({"generateName":"web-","namespace":"d"})"), true,
                                 NameRule::kDNS1123Subdomain, true)
                  .empty());
  EXPECT_EQ(ValidateObjectMeta(Meta(R"({"generateName":"web-","namespace":"d"})"), true,
                               NameRule::kDNS1123Subdomain, false)
                .size(),
            1u);
}

TEST(MetadataTest, BadNameMessage) {
  auto causes = ValidateObjectMeta(Meta(R"({"name":"Bad_Name","namespace":"default"})"), true,
                                   NameRule::kDNS1123Subdomain, true);
  ASSERT_EQ(causes.size(), 1u) << Joined(causes);
  EXPECT_EQ(causes[0].type, "FieldValueInvalid");
  EXPECT_EQ(causes[0].field, "metadata.name");
  EXPECT_EQ(causes[0].message.rfind(
                "Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of", 0),
            0u)
      << causes[0].message;
  // Same name under other rules.
  EXPECT_FALSE(ValidateObjectMeta(Meta(R"({"name":"a.b"})"), false, NameRule::kDNS1123Label, true)
                   .empty());
  EXPECT_FALSE(ValidateObjectMeta(Meta(R"({"name":"1abc"})"), false, NameRule::kDNS1035Label, true)
                   .empty());
  EXPECT_TRUE(ValidateObjectMeta(Meta(R"({"name":"system:Admin"})"), false,
                                 NameRule::kPathSegment, true)
                  .empty());
  auto seg = ValidateObjectMeta(Meta(R"({"name":"a/b%"})"), false, NameRule::kPathSegment, true);
  ASSERT_EQ(seg.size(), 2u);
  EXPECT_EQ(seg[0].message, "Invalid value: \"a/b%\": may not contain '/'");
}

TEST(MetadataTest, GenerateNamePrefixMayEndInDash) {
  EXPECT_TRUE(ValidateName("web-", NameRule::kDNS1123Subdomain, true).empty());
  EXPECT_FALSE(ValidateName("web-", NameRule::kDNS1123Subdomain, false).empty());
  auto causes = ValidateObjectMeta(Meta(R"({"generateName":"Web-","namespace":"d"})"), true,
                                   NameRule::kDNS1123Subdomain, true);
  ASSERT_EQ(causes.size(), 1u) << Joined(causes);
  EXPECT_EQ(causes[0].field, "metadata.generateName");
}

TEST(MetadataTest, NamespaceRules) {
  auto missing = ValidateObjectMeta(Meta(R"({"name":"a"})"), true, NameRule::kDNS1123Subdomain,
                                    true);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].field, "metadata.namespace");
  EXPECT_EQ(missing[0].message, "Required value");
  auto bad = ValidateObjectMeta(Meta(R"({"name":"a","namespace":"Bad.ns"})"), true,
                                NameRule::kDNS1123Subdomain, true);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].type, "FieldValueInvalid");
  auto forbidden = ValidateObjectMeta(Meta(R"({"name":"a","namespace":"x"})"), false,
                                      NameRule::kDNS1123Subdomain, true);
  ASSERT_EQ(forbidden.size(), 1u);
  EXPECT_EQ(forbidden[0].type, "FieldValueForbidden");
  EXPECT_EQ(forbidden[0].message, "Forbidden: not allowed on this type");
}

TEST(MetadataTest, Labels) {
  auto causes = ValidateObjectMeta(
      Meta(R"({"name":"a","labels":{"bad key":"ok","good":"-bad-value","n":5}})"), false,
      NameRule::kDNS1123Subdomain, true);
  ASSERT_EQ(causes.size(), 3u) << Joined(causes);
  EXPECT_EQ(causes[0].field, "metadata.labels");
  EXPECT_EQ(causes[0].message.rfind("Invalid value: \"bad key\": name part must consist of", 0),
            0u);
  EXPECT_EQ(causes[1].message.rfind(
                "Invalid value: \"-bad-value\": a valid label must be an empty string", 0),
            0u);
  EXPECT_EQ(causes[2].field, "metadata.labels.n");
}

TEST(MetadataTest, AnnotationSizeLimit) {
  json::object meta = Meta(R"({"name":"a"})");
  json::object ann;
  ann["big"] = std::string(kTotalAnnotationSizeLimitBytes - 3, 'x');
  meta["annotations"] = ann;
  EXPECT_TRUE(ValidateObjectMeta(meta, false, NameRule::kDNS1123Subdomain, true).empty());
  ann["big"] = std::string(kTotalAnnotationSizeLimitBytes - 2, 'x');
  meta["annotations"] = ann;
  auto causes = ValidateObjectMeta(meta, false, NameRule::kDNS1123Subdomain, true);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].type, "FieldValueTooLong");
  EXPECT_EQ(causes[0].field, "metadata.annotations");
  EXPECT_EQ(causes[0].message, "Too long: may not be more than 262144 bytes");
  auto bad_key = ValidateObjectMeta(Meta(R"({"name":"a","annotations":{"a/b/c":"v"}})"), false,
                                    NameRule::kDNS1123Subdomain, true);
  EXPECT_EQ(bad_key.size(), 1u);
}

TEST(MetadataTest, OwnerReferences) {
  auto causes = ValidateObjectMeta(
      Meta(R"({"name":"a","ownerReferences":[{"kind":"X","name":"n"},
          {"apiVersion":"v1","kind":"A","name":"a","uid":"1","controller":true},
          {"apiVersion":"v1","kind":"B","name":"b","uid":"2","controller":true}]})"),
      false, NameRule::kDNS1123Subdomain, true);
  ASSERT_EQ(causes.size(), 3u) << Joined(causes);
  EXPECT_EQ(causes[0].field, "metadata.ownerReferences.apiVersion");
  EXPECT_EQ(causes[0].message, "Invalid value: \"\": version must not be empty");
  EXPECT_EQ(causes[1].field, "metadata.ownerReferences.uid");
  EXPECT_EQ(causes[2].field, "metadata.ownerReferences");
  EXPECT_NE(causes[2].message.find("Only one reference can have Controller set to true. Found "
                                   "\"true\" in references for A/a and B/b"),
            std::string::npos);
}

TEST(MetadataTest, Finalizers) {
  auto causes = ValidateObjectMeta(
      Meta(R"({"name":"a","finalizers":["kubernetes","bad name!","orphan","foregroundDeletion"]})"),
      false, NameRule::kDNS1123Subdomain, true);
  ASSERT_EQ(causes.size(), 2u) << Joined(causes);
  EXPECT_EQ(causes[0].field, "metadata.finalizers");
  EXPECT_NE(causes[1].message.find("cannot be both set"), std::string::npos);
}

TEST(MetadataTest, NegativeGeneration) {
  auto causes = ValidateObjectMeta(Meta(R"({"name":"a","generation":-1})"), false,
                                   NameRule::kDNS1123Subdomain, true);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].message, "Invalid value: -1: must be greater than or equal to 0");
}

TEST(MetadataUpdateTest, ImmutableFields) {
  auto old_meta = Meta(R"({"name":"a","namespace":"ns","uid":"u1",
                           "creationTimestamp":"2024-01-01T00:00:00Z","generation":3})");
  EXPECT_TRUE(ValidateObjectMetaUpdate(old_meta, old_meta).empty());
  // uid / creationTimestamp absent: treated as unchanged.
  EXPECT_TRUE(ValidateObjectMetaUpdate(Meta(R"({"name":"a","namespace":"ns","generation":3})"),
                                       old_meta)
                  .empty());
  auto causes = ValidateObjectMetaUpdate(
      Meta(R"({"name":"b","namespace":"other","uid":"u2",
               "creationTimestamp":"2025-01-01T00:00:00Z","generation":2})"),
      old_meta);
  ASSERT_EQ(causes.size(), 5u) << Joined(causes);
  EXPECT_EQ(causes[0].field, "metadata.name");
  EXPECT_EQ(causes[0].message, "Invalid value: \"b\": field is immutable");
  EXPECT_EQ(causes[1].field, "metadata.namespace");
  EXPECT_EQ(causes[2].field, "metadata.uid");
  EXPECT_EQ(causes[3].field, "metadata.creationTimestamp");
  EXPECT_EQ(causes[4].message, "Invalid value: 2: must not be decremented");
}

TEST(MetadataUpdateTest, NoNewFinalizersWhileDeleting) {
  auto old_meta = Meta(R"({"name":"a","deletionTimestamp":"2024-01-01T00:00:00Z",
                           "finalizers":["x.io/a"]})");
  EXPECT_TRUE(ValidateObjectMetaUpdate(
                  Meta(R"({"name":"a","deletionTimestamp":"2024-01-01T00:00:00Z"})"), old_meta)
                  .empty());
  auto causes = ValidateObjectMetaUpdate(
      Meta(R"({"name":"a","deletionTimestamp":"2024-01-01T00:00:00Z",
               "finalizers":["x.io/a","x.io/b"]})"),
      old_meta);
  ASSERT_EQ(causes.size(), 1u) << Joined(causes);
  EXPECT_EQ(causes[0].type, "FieldValueForbidden");
  EXPECT_NE(causes[0].message.find("[]string{\"x.io/b\"}"), std::string::npos);
}

TEST(FieldErrorTest, GoQuoteAndBuilders) {
  EXPECT_EQ(GoQuote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(InvalidCause("spec.replicas", json::value(-1), "must be >= 0").message,
            "Invalid value: -1: must be >= 0");
  EXPECT_EQ(InvalidCause("spec.x", json::value(true), "").message, "Invalid value: true");
  EXPECT_EQ(RequiredCause("spec.containers").message, "Required value");
  auto ns = NotSupportedCause("spec.restartPolicy", json::value("Sometimes"),
                              {"Always", "Never"});
  EXPECT_EQ(ns.type, "FieldValueNotSupported");
  EXPECT_EQ(ns.message,
            "Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\"");
  EXPECT_EQ(DuplicateCause("spec.ports[1]", json::value("x")).message, "Duplicate value: \"x\"");
}

}  // namespace
}  // namespace berth::api::validation

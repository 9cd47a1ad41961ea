#include "api/protobuf/message_decoder.h"

#include <gtest/gtest.h>

#include "api/protobuf/base64.h"
#include "api/protobuf/wire_reader.h"
#include "wire_test_encoding.h"

namespace berth::api::protobuf {
namespace {

using namespace berth::api::protobuf::testing;  // NOLINT

// A schema exercising every type, with hand-picked field numbers.
SchemaPtr TestSchema() {
  static const SchemaPtr schema = [] {
    SchemaPtr inner = Object("test.Inner", "", {F("s", String(), "", 1), F("n", Int32(), "", 2)});
    return Object(
        "test.Outer", "",
        {
            F("str", String(), "", 1),
            F("i32", Int32(), "", 2),
            F("i64", Int64(), "", 3),
            F("flag", Bool(), "", 4),
            F("num", Number(), "", 5),
            F("blob", Bytes(), "", 6),
            F("ios", IntOrString(), "", 7),
            F("qty", Quantity(), "", 8),
            F("when", Time(), "", 9),
            F("raw", Any(), "", 10),
            F("inner", inner, "", 11),
            F("labels", StringMap(), "", 12),
            F("ints", ListOf(Int32()), "", 13),
            F("names", ListOf(String()), "", 14),
            F("items", ListOf(inner), "", 15),
            F("data", MapOf(Bytes()), "", 16),
            F("limits", MapOf(Quantity()), "", 17),
            F("extra", MapOf(ListOf(String())), "", 18),
            F("untagged", String(), ""),  // proto_tag 0: never decoded
        });
  }();
  return schema;
}

json::object Decode(const std::string& bytes) {
  auto r = DecodeMessage(bytes, *TestSchema());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : json::object();
}

TEST(MessageDecoderTest, ScalarsDecode) {
  const json::object o = Decode(BytesField(1, "hello") + VarintField(2, 42) +
                                VarintField(3, int64_t{1} << 40) + VarintField(4, 1) +
                                DoubleField(5, 2.5));
  EXPECT_EQ(o.at("str"), "hello");
  EXPECT_EQ(o.at("i32").as_int64(), 42);
  EXPECT_EQ(o.at("i64").as_int64(), int64_t{1} << 40);
  EXPECT_EQ(o.at("flag"), true);
  EXPECT_DOUBLE_EQ(o.at("num").as_double(), 2.5);
  EXPECT_EQ(o.size(), 5u);
}

TEST(MessageDecoderTest, NegativeInt32IsTenByteVarint) {
  const std::string field = VarintField(2, -5);
  EXPECT_EQ(field.size(), 11u);  // key + 10 bytes
  const json::object o = Decode(field + VarintField(3, -7));
  EXPECT_EQ(o.at("i32").as_int64(), -5);
  EXPECT_EQ(o.at("i64").as_int64(), -7);
}

TEST(MessageDecoderTest, ZeroNumbersAreKeptEmptyStringsAreDropped) {
  const json::object o = Decode(VarintField(2, 0) + VarintField(4, 0) + BytesField(1, "") +
                                BytesField(6, "") + BytesField(9, ""));
  ASSERT_TRUE(o.contains("i32"));
  EXPECT_EQ(o.at("i32").as_int64(), 0);
  EXPECT_EQ(o.at("flag"), false);
  EXPECT_FALSE(o.contains("str"));
  EXPECT_FALSE(o.contains("blob"));
  EXPECT_FALSE(o.contains("when"));  // empty Time = Go zero time = null
}

TEST(MessageDecoderTest, AbsentFieldsStayAbsent) {
  EXPECT_TRUE(Decode("").empty());
  const json::object o = Decode(BytesField(11, ""));
  ASSERT_TRUE(o.contains("inner"));
  EXPECT_TRUE(o.at("inner").as_object().empty());
}

TEST(MessageDecoderTest, BytesAreBase64) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("v"), "dg==");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(Base64Encode("abc"), "YWJj");
  EXPECT_EQ(Base64Encode(std::string("\xff\x00\xfe", 3)), "/wD+");
  const json::object o = Decode(BytesField(6, std::string("\x00\x01hi", 4)));
  EXPECT_EQ(o.at("blob"), "AAFoaQ==");
}

TEST(MessageDecoderTest, IntOrString) {
  json::object o = Decode(BytesField(7, VarintField(1, 0) + VarintField(2, 8080)));
  EXPECT_EQ(o.at("ios").as_int64(), 8080);
  o = Decode(BytesField(7, VarintField(1, 1) + BytesField(3, "http")));
  EXPECT_EQ(o.at("ios"), "http");
  o = Decode(BytesField(7, ""));  // type 0, intVal 0
  EXPECT_EQ(o.at("ios").as_int64(), 0);
  EXPECT_FALSE(DecodeMessage(BytesField(7, VarintField(1, 7)), *TestSchema()).ok());
}

TEST(MessageDecoderTest, QuantityAndTime) {
  const json::object o =
      Decode(BytesField(8, BytesField(1, "500m")) +
             BytesField(9, VarintField(1, 1700000000) + VarintField(2, 123)));
  EXPECT_EQ(o.at("qty"), "500m");
  EXPECT_EQ(o.at("when"), "2023-11-14T22:13:20Z");
  EXPECT_FALSE(DecodeMessage(BytesField(9, VarintField(1, int64_t{1} << 50)), *TestSchema()).ok());
}

TEST(MessageDecoderTest, AnyParsesRawJsonOrSkips) {
  json::object o = Decode(BytesField(10, BytesField(1, R"({"f:spec":{"f:replicas":{}}})")));
  EXPECT_TRUE(o.at("raw").at("f:spec").is_object());
  o = Decode(BytesField(10, BytesField(1, "\x01not json")));
  EXPECT_FALSE(o.contains("raw"));
}

TEST(MessageDecoderTest, MapsAndLists) {
  const json::object o = Decode(
      MapEntry(12, "app", BytesField(2, "web")) + MapEntry(12, "tier", BytesField(2, "")) +
      MapEntry(12, "novalue", "") +
      // Packed and unpacked ints may be mixed in one list.
      BytesField(13, Varint(1) + Varint(2) + Varint(static_cast<uint64_t>(-3))) +
      VarintField(13, 4) + BytesField(14, "a") + BytesField(14, "") + BytesField(14, "c") +
      BytesField(15, BytesField(1, "x")) + BytesField(15, VarintField(2, 9)) +
      MapEntry(16, "k", BytesField(2, "v")) +
      MapEntry(17, "cpu", BytesField(2, BytesField(1, "1"))) +
      MapEntry(18, "groups", BytesField(2, BytesField(1, "g1") + BytesField(1, "g2"))));
  EXPECT_EQ(o.at("labels"), (json::object{{"app", "web"}, {"tier", ""}, {"novalue", ""}}));
  EXPECT_EQ(o.at("ints"), (json::array{1, 2, -3, 4}));
  EXPECT_EQ(o.at("names"), (json::array{"a", "", "c"}));
  EXPECT_EQ(o.at("items"), (json::array{json::object{{"s", "x"}}, json::object{{"n", 9}}}));
  EXPECT_EQ(o.at("data"), (json::object{{"k", "dg=="}}));
  EXPECT_EQ(o.at("limits"), (json::object{{"cpu", "1"}}));
  EXPECT_EQ(o.at("extra"), (json::object{{"groups", json::array{"g1", "g2"}}}));
}

TEST(MessageDecoderTest, UnknownFieldsOfEveryWireTypeAreSkipped) {
  const json::object o =
      Decode(VarintField(100, 5) + DoubleField(101, 1.0) + BytesField(102, "zzz") +
             Fixed32Field(103, 7) + BytesField(1, "kept") + VarintField(2, 3));
  EXPECT_EQ(o, (json::object{{"str", "kept"}, {"i32", 3}}));
}

TEST(MessageDecoderTest, UntaggedFieldIsNeverDecoded) {
  // Field number 0 is invalid on the wire; an untagged schema field can
  // therefore never be matched.
  EXPECT_FALSE(DecodeMessage(BytesField(0, "x"), *TestSchema()).ok());
}

TEST(MessageDecoderTest, MalformedInputIsBadRequest) {
  const std::vector<std::string> bad = {
      std::string("\x0a\x05hi", 3),            // length beyond the end
      std::string("\x10", 1),                   // varint missing
      std::string("\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),  // 11-byte varint
      VarintField(1, 3),                        // string field with varint wire type
      BytesField(2, "x"),                       // int field with bytes wire type
      Key(104, 3),                              // start-group wire type
      Key(104, 7),                              // invalid wire type
      BytesField(11, std::string("\x12", 1)),   // nested message truncated
      BytesField(12, VarintField(1, 1)),        // map key not a string
  };
  for (const std::string& b : bad) {
    auto r = DecodeMessage(b, *TestSchema());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().reason(), Reason::kBadRequest) << r.status().ToString();
  }
}

TEST(MessageDecoderTest, DeepNestingIsRejected) {
  // A self-referential schema through a mutable node (only for this test).
  auto node = std::make_shared<Schema>();
  node->type = Type::kObject;
  node->fields.push_back(F("child", nullptr, "", 1));
  std::string bytes;
  for (int i = 0; i < 200; ++i) bytes = BytesField(1, bytes);
  node->fields[0].schema = node;
  auto r = DecodeMessage(bytes, *node);
  node->fields[0].schema.reset();  // break the cycle
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), Reason::kBadRequest);
}

TEST(MessageDecoderTest, EmbeddedStructFieldsAreFlattened) {
  // Like core/v1 Probe: ProbeHandler {exec 1, httpGet 2} embedded at tag 1.
  SchemaPtr exec = Object("test.Exec", "", {F("command", ListOf(String()), "", 1)});
  SchemaPtr http =
      Object("test.Http", "", {F("path", String(), "", 1), F("port", IntOrString(), "", 2)});
  SchemaPtr probe = Object("test.Probe", "",
                           {
                               Embedded(1, F("exec", exec, "", 1)),
                               Embedded(1, F("httpGet", http, "", 2)),
                               F("initialDelaySeconds", Int32(), "", 2),
                           });
  const std::string handler =
      BytesField(2, BytesField(1, "/healthz") +
                        BytesField(2, VarintField(1, 1) + BytesField(3, "http")));
  auto r = DecodeMessage(BytesField(1, handler) + VarintField(2, 5), *probe);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (json::object{{"httpGet", json::object{{"path", "/healthz"}, {"port", "http"}}},
                              {"initialDelaySeconds", 5}}));
  r = DecodeMessage(BytesField(1, BytesField(1, BytesField(1, "true"))), *probe);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (json::object{{"exec", json::object{{"command", json::array{"true"}}}}}));
  // Embedded fields are not matched at the outer level (tag 2 there is the delay).
  EXPECT_FALSE(r->contains("httpGet"));
  EXPECT_FALSE(DecodeMessage(BytesField(1, std::string("\x12\x05", 2)), *probe).ok());
}

TEST(WireReaderTest, ReadsAndBoundsChecks) {
  WireReader r(std::string_view("\x96\x01\x05", 3));
  uint64_t v = 0;
  ASSERT_TRUE(r.ReadVarint(&v));
  EXPECT_EQ(v, 150u);
  uint32_t f = 0;
  EXPECT_FALSE(r.ReadFixed32(&f));
  std::string_view s;
  WireReader r2(std::string_view("\x05" "ab", 3));
  EXPECT_FALSE(r2.ReadLengthDelimited(&s));
  WireReader r3(std::string_view("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 13));
  EXPECT_FALSE(r3.ReadLengthDelimited(&s));
}

}  // namespace
}  // namespace berth::api::protobuf

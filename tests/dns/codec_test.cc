// Wire codec and name helpers: round trips, compression, truncation and hostile packets.
#include <gtest/gtest.h>

#include "dns/message.h"
#include "dns/name.h"

namespace berth::dns {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

// A 12-byte header with the given counts.
std::string Hdr(int qd, int an = 0, int ns = 0, int ar = 0) {
  return Bytes({0x12, 0x34, 0x01, 0x00, 0, qd, 0, an, 0, ns, 0, ar});
}

TEST(NameTest, SplitAndEscape) {
  std::vector<std::string> labels;
  ASSERT_TRUE(SplitName("web.default.svc.cluster.local.", &labels));
  EXPECT_EQ(labels, (std::vector<std::string>{"web", "default", "svc", "cluster", "local"}));
  ASSERT_TRUE(SplitName("", &labels));
  EXPECT_TRUE(labels.empty());
  ASSERT_TRUE(SplitName("a\\.b.c\\092\\000", &labels));
  EXPECT_EQ(labels, (std::vector<std::string>{"a.b", std::string("c\\\0", 3)}));
  std::string text;
  AppendEscapedLabel(labels[0], &text);
  text += ".";
  AppendEscapedLabel(labels[1], &text);
  EXPECT_EQ(text, "a\\.b.c\\\\\\000");
  EXPECT_FALSE(SplitName("a..b", &labels));
  EXPECT_FALSE(SplitName(std::string(64, 'x'), &labels));
  EXPECT_TRUE(SplitName(std::string(63, 'x'), &labels));
  EXPECT_FALSE(SplitName("a\\25", &labels));
  EXPECT_FALSE(SplitName("a\\256", &labels));
  const std::string l63 = std::string(63, 'a') + ".";
  EXPECT_TRUE(SplitName(l63 + l63 + l63 + std::string(61, 'b'), &labels));    // 255 wire bytes
  EXPECT_FALSE(SplitName(l63 + l63 + l63 + std::string(62, 'b'), &labels));   // 256
}

TEST(NameTest, Addresses) {
  EXPECT_EQ(ParseIPv4("10.96.0.1"), 0x0A600001u);
  EXPECT_EQ(FormatIPv4(0x0A600001u), "10.96.0.1");
  EXPECT_FALSE(ParseIPv4("10.96.0"));
  EXPECT_FALSE(ParseIPv4("10.96.0.256"));
  EXPECT_FALSE(ParseIPv4("10.96.00.1"));
  EXPECT_FALSE(ParseIPv4("10.96.0.1.2"));
  EXPECT_FALSE(ParseIPv4("1000.1.1.1"));
  EXPECT_EQ(ParseDashedIPv4("10-244-1-7"), 0x0AF40107u);
  EXPECT_EQ(DashedIPv4(0x0AF40107u), "10-244-1-7");
  EXPECT_EQ(ReverseName(0x0AF40107u), "7.1.244.10.in-addr.arpa");
  EXPECT_EQ(ParseReverseName({"7", "1", "244", "10", "in-addr", "arpa"}), 0x0AF40107u);
  EXPECT_FALSE(ParseReverseName({"1", "244", "10", "in-addr", "arpa"}));
  EXPECT_TRUE(InZone("a.cluster.local", "cluster.local"));
  EXPECT_TRUE(InZone("cluster.local", "cluster.local"));
  EXPECT_FALSE(InZone("acluster.local", "cluster.local"));
}

TEST(CodecTest, RoundTripEveryRecordType) {
  Message m;
  m.header.id = 0xBEEF;
  m.header.qr = true;
  m.header.aa = true;
  m.header.rd = true;
  m.header.rcode = kRcodeNxDomain;
  m.questions.push_back({"Web.default.svc.cluster.local", kTypeSRV, kClassIN});
  m.answers.push_back(MakeA("web.default.svc.cluster.local", 5, 0x0A600001));
  m.answers.push_back(MakeCname("ext.default.svc.cluster.local", 5, "example.com"));
  m.answers.push_back(MakePtr("1.0.96.10.in-addr.arpa", 5, "web.default.svc.cluster.local"));
  m.answers.push_back(MakeSrv("_http._tcp.web.default.svc.cluster.local", 5,
                              SrvData{0, 100, 8080, "web.default.svc.cluster.local"}));
  m.authority.push_back(MakeSoa("cluster.local", 5,
                                SoaData{"ns.dns.cluster.local", "hostmaster.cluster.local", 1, 2,
                                        3, 4, 5}));
  m.additional.push_back(Record{"x", kTypeAAAA, kClassIN, 7, RawData{std::string(16, '\1')}});
  m.additional.push_back(MakeOpt(1232));

  std::string wire = Encode(m);
  auto back = Decode(wire);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->header.id, 0xBEEF);
  EXPECT_TRUE(back->header.qr);
  EXPECT_TRUE(back->header.aa);
  EXPECT_TRUE(back->header.rd);
  EXPECT_FALSE(back->header.tc);
  EXPECT_EQ(back->header.rcode, kRcodeNxDomain);
  ASSERT_EQ(back->questions.size(), 1u);
  EXPECT_EQ(back->questions[0].name, "Web.default.svc.cluster.local");  // case kept
  ASSERT_EQ(back->answers.size(), 4u);
  EXPECT_EQ(std::get<uint32_t>(back->answers[0].data), 0x0A600001u);
  EXPECT_EQ(std::get<NameData>(back->answers[1].data).name, "example.com");
  EXPECT_EQ(back->answers[2].type, kTypePTR);
  EXPECT_EQ(std::get<NameData>(back->answers[2].data).name, "web.default.svc.cluster.local");
  const auto& srv = std::get<SrvData>(back->answers[3].data);
  EXPECT_EQ(srv.port, 8080);
  EXPECT_EQ(srv.weight, 100);
  EXPECT_EQ(srv.target, "web.default.svc.cluster.local");
  ASSERT_EQ(back->authority.size(), 1u);
  const auto& soa = std::get<SoaData>(back->authority[0].data);
  EXPECT_EQ(soa.mname, "ns.dns.cluster.local");
  EXPECT_EQ(soa.minimum, 5u);
  ASSERT_EQ(back->additional.size(), 2u);
  EXPECT_EQ(std::get<RawData>(back->additional[0].data).bytes, std::string(16, '\1'));
  EXPECT_EQ(back->additional[1].type, kTypeOPT);
  EXPECT_EQ(back->additional[1].klass, 1232);
  // Re-encoding the decoded message gives the same bytes.
  EXPECT_EQ(Encode(*back), wire);
}

TEST(CodecTest, CompressesRepeatedSuffixes) {
  Message m;
  m.questions.push_back({"web.default.svc.cluster.local", kTypeA, kClassIN});
  std::string one = Encode(m);
  for (int i = 0; i < 10; ++i) m.answers.push_back(MakeA("web.default.svc.cluster.local", 5, i));
  std::string many = Encode(m);
  // Each answer: a 2-byte pointer + 10 fixed bytes + 4 bytes of address.
  EXPECT_EQ(many.size(), one.size() + 10 * 16);
  m.answers.push_back(MakeSrv("_p._tcp.web.default.svc.cluster.local", 5,
                              SrvData{0, 1, 80, "pod-0.web.default.svc.cluster.local"}));
  std::string srv = Encode(m);
  // Owner "_p._tcp" + pointer = 3+5+2; data 6 + "pod-0" + pointer = 6+6+2.
  EXPECT_EQ(srv.size(), many.size() + 10 + 10 + 14);
}

// Regression (found by the fuzz test): a name whose own labels repeat ("a.a.a") must not point
// into itself while it is being written.
TEST(CodecTest, RepeatedLabelsWithinOneName) {
  Message m;
  m.questions.push_back({"a.a.a", kTypeA, kClassIN});
  m.answers.push_back(MakeA("a.a", 5, 1));
  m.answers.push_back(MakeCname("b.a.a.a", 5, "a.a.a.a"));
  auto back = Decode(Encode(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->questions[0].name, "a.a.a");
  EXPECT_EQ(back->answers[0].name, "a.a");
  EXPECT_EQ(back->answers[1].name, "b.a.a.a");
  EXPECT_EQ(std::get<NameData>(back->answers[1].data).name, "a.a.a.a");
}

TEST(CodecTest, TruncatesAtWholeRecordsAndKeepsOpt) {
  Message m;
  m.header.qr = true;
  m.questions.push_back({"big.default.svc.cluster.local", kTypeA, kClassIN});
  for (int i = 0; i < 100; ++i) m.answers.push_back(MakeA("big.default.svc.cluster.local", 5, i));
  m.additional.push_back(MakeOpt(1232));
  std::string full = Encode(m);
  EXPECT_GT(full.size(), 512u);
  std::string cut = Encode(m, 512);
  ASSERT_LE(cut.size(), 512u);
  auto back = Decode(cut);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->header.tc);
  EXPECT_GT(back->answers.size(), 20u);
  EXPECT_LT(back->answers.size(), 100u);
  ASSERT_EQ(back->additional.size(), 1u);
  EXPECT_EQ(back->additional[0].type, kTypeOPT);
  auto whole = Decode(full);
  ASSERT_TRUE(whole.ok());
  EXPECT_FALSE(whole->header.tc);
  EXPECT_EQ(whole->answers.size(), 100u);
}

TEST(CodecTest, RejectsHostilePackets) {
  const std::string q = Bytes({3, 'w', 'e', 'b', 0, 0, 1, 0, 1});
  ASSERT_TRUE(Decode(Hdr(1) + q).ok());
  // Shorter than a header, and every cut of a valid packet.
  EXPECT_FALSE(Decode(Bytes({0x12, 0x34, 0x01})).ok());
  std::string good = Hdr(1) + q;
  for (size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(Decode(good.substr(0, n)).ok()) << n;
  // Trailing garbage.
  EXPECT_FALSE(Decode(good + "x").ok());
  // Counts beyond the data.
  EXPECT_FALSE(Decode(Hdr(2) + q).ok());
  EXPECT_FALSE(Decode(Hdr(1, 65535, 65535, 65535) + q).ok());
  // A label length running past the end.
  EXPECT_FALSE(Decode(Hdr(1) + Bytes({40, 'a', 0, 0, 1, 0, 1})).ok());
  // Reserved label types 0x40 and 0x80.
  EXPECT_FALSE(Decode(Hdr(1) + Bytes({0x41, 'a', 0, 0, 1, 0, 1})).ok());
  EXPECT_FALSE(Decode(Hdr(1) + Bytes({0x81, 'a', 0, 0, 1, 0, 1})).ok());
  // Compression pointer to itself, forwards, and a two-pointer loop.
  EXPECT_FALSE(Decode(Hdr(1) + Bytes({0xC0, 12, 0, 1, 0, 1})).ok());
  EXPECT_FALSE(Decode(Hdr(1) + Bytes({0xC0, 14, 1, 'a', 0, 0, 1, 0, 1})).ok());
  EXPECT_FALSE(Decode(Hdr(1) + Bytes({1, 'a', 0xC0, 12, 0, 1, 0, 1})).ok());
  // A pointer cut in half.
  EXPECT_FALSE(Decode(Hdr(1) + Bytes({0xC0})).ok());
  // A name over 255 bytes (five 63-byte labels).
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += static_cast<char>(63) + std::string(63, 'a');
  EXPECT_FALSE(Decode(Hdr(1) + long_name + Bytes({0, 0, 1, 0, 1})).ok());
  // A name made long through a chain of backward pointers.
  std::string chain = Hdr(4);
  size_t prev = 0;
  for (int i = 0; i < 4; ++i) {
    size_t here = chain.size();
    chain += static_cast<char>(63) + std::string(63, 'b');
    if (i == 0) {
      chain += '\0';
    } else {
      chain += Bytes({0xC0, static_cast<int>(prev)});
    }
    chain += Bytes({0, 1, 0, 1});
    prev = here;
  }
  EXPECT_FALSE(Decode(chain).ok());  // the 4th name is 4*64+1 = 257 bytes
  // Record data length beyond the packet, and A records of the wrong length.
  std::string rr = Bytes({0, 0, 1, 0, 1, 0, 0, 0, 5});
  EXPECT_FALSE(Decode(Hdr(1, 1) + q + rr + Bytes({0, 10, 1, 2, 3, 4})).ok());
  EXPECT_FALSE(Decode(Hdr(1, 1) + q + rr + Bytes({0, 3, 1, 2, 3})).ok());
  EXPECT_TRUE(Decode(Hdr(1, 1) + q + rr + Bytes({0, 4, 1, 2, 3, 4})).ok());
  // A CNAME whose name runs past its rdlength.
  std::string cname = Bytes({0, 0, 5, 0, 1, 0, 0, 0, 5});
  EXPECT_FALSE(Decode(Hdr(1, 1) + q + cname + Bytes({0, 2, 1, 'a', 0})).ok());
  EXPECT_TRUE(Decode(Hdr(1, 1) + q + cname + Bytes({0, 3, 1, 'a', 0})).ok());
  // A pointer into the question's name is fine.
  EXPECT_TRUE(Decode(Hdr(1, 1) + q + Bytes({0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 1, 2, 3, 4}))
                  .ok());
}

TEST(CodecTest, OddLabelBytesRoundTrip) {
  std::string wire = Hdr(1) + Bytes({3, 'a', '.', 0, 2, '\\', 0x7f, 0, 0, 1, 0, 1});
  auto m = Decode(wire);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->questions[0].name, "a\\.\\000.\\\\\\127");
  EXPECT_EQ(Encode(*m), wire);
}

}  // namespace
}  // namespace berth::dns

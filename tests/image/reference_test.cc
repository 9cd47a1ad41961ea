#include "image/reference.h"

#include <gtest/gtest.h>

#include "image/image_store.h"

namespace berth::image {
namespace {

struct Case {
  const char* in;
  const char* want;
};

TEST(NormalizeReferenceTest, Table) {
  const std::string d = "sha256:" + std::string(64, 'a');
  const Case cases[] = {
      {"busybox", "docker.io/library/busybox:latest"},
      {"busybox:1.36", "docker.io/library/busybox:1.36"},
      {"library/busybox", "docker.io/library/busybox:latest"},
      {"docker.io/busybox", "docker.io/library/busybox:latest"},
      {"index.docker.io/library/busybox:1", "docker.io/library/busybox:1"},
      {"user/app", "docker.io/user/app:latest"},
      {"user/app:v1.2-rc_3", "docker.io/user/app:v1.2-rc_3"},
      {"quay.io/coreos/etcd", "quay.io/coreos/etcd:latest"},
      {"reg:5000/a/b", "reg:5000/a/b:latest"},
      {"reg:5000/a/b:tag", "reg:5000/a/b:tag"},
      {"localhost/app", "localhost/app:latest"},
      {"localhost:5000/app:x", "localhost:5000/app:x"},
      {"127.0.0.1:5000/busybox:test", "127.0.0.1:5000/busybox:test"},
      {"berth.local/busybox:latest", "berth.local/busybox:latest"},
  };
  for (const auto& c : cases) {
    auto got = NormalizeReference(c.in);
    ASSERT_TRUE(got.ok()) << c.in << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.in;
  }
  auto by_digest = NormalizeReference("busybox@" + d);
  ASSERT_TRUE(by_digest.ok());
  EXPECT_EQ(*by_digest, "docker.io/library/busybox@" + d);
  auto both = NormalizeReference("reg:5000/x:1@" + d);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(*both, "reg:5000/x:1@" + d);
}

TEST(NormalizeReferenceTest, Rejects) {
  for (const char* bad : {"", "Busybox", "busybox:", "busybox@sha256:abc", "a//b", "-x",
                          "busybox:-tag", "reg:5000/", "x@md5:0123"}) {
    auto got = NormalizeReference(bad);
    EXPECT_FALSE(got.ok()) << bad << " -> " << (got.ok() ? *got : "");
    if (!got.ok()) {
      EXPECT_EQ(got.status().reason(), Reason::kBadRequest) << bad;
    }
  }
  auto upper = NormalizeReference("Busybox");
  EXPECT_NE(upper.status().message().find("lowercase"), std::string::npos);
}

TEST(ParseReferenceTest, Parts) {
  auto r = ParseReference("127.0.0.1:5000/team/app:v2");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->registry, "127.0.0.1:5000");
  EXPECT_EQ(r->repository, "team/app");
  EXPECT_EQ(r->tag, "v2");
  EXPECT_EQ(r->TagOrDigest(), "v2");
  EXPECT_EQ(RegistryEndpointHost("docker.io"), "registry-1.docker.io");
}

}  // namespace
}  // namespace berth::image

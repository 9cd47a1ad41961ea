#include "common/status.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(StatusTest, OkAndCodes) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), 200);
  EXPECT_EQ(ok.ToString(), "OK");
  EXPECT_EQ(HttpCode(Reason::kNotFound), 404);
  EXPECT_EQ(HttpCode(Reason::kConflict), 409);
  EXPECT_EQ(HttpCode(Reason::kAlreadyExists), 409);
  EXPECT_EQ(HttpCode(Reason::kExpired), 410);
  EXPECT_EQ(HttpCode(Reason::kInvalid), 422);
  EXPECT_EQ(HttpCode(Reason::kTooManyRequests), 429);
  EXPECT_EQ(HttpCode(Reason::kTimeout), 504);
  EXPECT_STREQ(ReasonName(Reason::kInvalid), "Invalid");
  EXPECT_STREQ(ReasonName(Reason::kUnsupportedMediaType), "UnsupportedMediaType");
  EXPECT_STREQ(ReasonName(Reason::kOk), "");
}

TEST(StatusTest, StandardMessages) {
  Status nf = NotFound("deployments.apps", "web");
  EXPECT_EQ(nf.reason(), Reason::kNotFound);
  EXPECT_EQ(nf.message(), "deployments.apps \"web\" not found");
  EXPECT_EQ(nf.details().kind, "deployments");
  EXPECT_EQ(nf.details().group, "apps");
  EXPECT_EQ(nf.details().name, "web");
  EXPECT_EQ(nf.ToString(), "NotFound: deployments.apps \"web\" not found");
  Status ae = AlreadyExists("pods", "p");
  EXPECT_EQ(ae.message(), "pods \"p\" already exists");
  EXPECT_EQ(ae.details().group, "");
  Status c = ConflictError("pods", "p", "the object has been modified");
  EXPECT_EQ(c.code(), 409);
  EXPECT_EQ(c.message(),
            "Operation cannot be fulfilled on pods \"p\": the object has been modified");
  EXPECT_EQ(BadRequest("x").code(), 400);
  EXPECT_EQ(InternalError("boom").reason(), Reason::kInternalError);
}

TEST(StatusTest, InvalidErrorJoinsCauses) {
  Status one = InvalidError("Pod", "", "p",
                            {{"FieldValueRequired", "Required value", "spec.containers"}});
  EXPECT_EQ(one.code(), 422);
  EXPECT_EQ(one.message(), "Pod \"p\" is invalid: spec.containers: Required value");
  Status two = InvalidError("Deployment", "apps", "d",
                            {{"FieldValueInvalid", "Invalid value: -1: bad", "spec.replicas"},
                             {"FieldValueRequired", "Required value", "spec.selector"}});
  EXPECT_EQ(two.message(),
            "Deployment.apps \"d\" is invalid: [spec.replicas: Invalid value: -1: bad, "
            "spec.selector: Required value]");
  EXPECT_EQ(two.details().causes.size(), 2u);
  EXPECT_EQ(two.details().kind, "Deployment");
  EXPECT_EQ(two.details().group, "apps");
}

TEST(StatusOrTest, ValueAndError) {
  StatusOr<int> v = 5;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 5);
  EXPECT_TRUE(v.status().ok());
  StatusOr<int> e = NotFound("pods", "x");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), 404);
  auto f = []() -> Status {
    BERTH_RETURN_IF_ERROR(BadRequest("nope"));
    return Status::Ok();
  };
  EXPECT_EQ(f().reason(), Reason::kBadRequest);
}

}  // namespace
}  // namespace berth

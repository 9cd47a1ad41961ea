// PlanSlices as a pure function: placement, filling, recycling, placeholders, ownership.
#include "controllers/endpointslice/slice_planner.h"

#include <gtest/gtest.h>

#include <set>

namespace berth::controllers::endpoints {
namespace {

json::object Service() {
  return json::object{
      {"metadata", json::object{{"name", "web"}, {"namespace", "default"}, {"uid", "svc-uid"},
                                {"labels", json::object{{"team", "a"}}}}},
      {"spec", json::object{{"clusterIP", "10.96.0.10"}}}};
}

json::array Ports(int64_t port) {
  return json::array{json::object{{"name", ""}, {"protocol", "TCP"}, {"port", port}}};
}

DesiredEndpoint Ep(int i, int64_t port = 80, bool ready = true) {
  std::string uid = "pod-" + std::to_string(i);
  return DesiredEndpoint{
      uid,
      json::object{{"addresses", json::array{json::value("10.0.0." + std::to_string(i))}},
                   {"conditions", json::object{{"ready", ready}}},
                   {"targetRef", json::object{{"kind", "Pod"}, {"name", uid}, {"uid", uid}}}},
      Ports(port)};
}

std::vector<DesiredEndpoint> Eps(int from, int to, int64_t port = 80) {
  std::vector<DesiredEndpoint> out;
  for (int i = from; i < to; ++i) out.push_back(Ep(i, port));
  return out;
}

// Turns a planned slice into a stored one (name, resourceVersion).
controller::ObjectPtr Stored(json::object slice, const std::string& name) {
  slice["metadata"].as_object()["name"] = name;
  slice["metadata"].as_object().erase("generateName");
  slice["metadata"].as_object()["resourceVersion"] = "1";
  return std::make_shared<const json::object>(std::move(slice));
}

size_t Count(const json::object& slice) { return slice.at("endpoints").as_array().size(); }

TEST(SlicePlannerTest, SplitsIntoSlicesOfAtMostMax) {
  SlicePlan p = PlanSlices(Service(), "IPv4", Eps(0, 25), {}, 10);
  ASSERT_EQ(p.create.size(), 3u);
  EXPECT_EQ(Count(p.create[0]) + Count(p.create[1]) + Count(p.create[2]), 25u);
  for (const auto& s : p.create) {
    EXPECT_LE(Count(s), 10u);
    EXPECT_EQ(GetString(s, {"metadata", "generateName"}), "web-");
    EXPECT_EQ(GetString(s, {"metadata", "labels", "kubernetes.io/service-name"}), "web");
    EXPECT_EQ(GetString(s, {"metadata", "labels", "team"}), "a");
  }
  EXPECT_TRUE(p.update.empty());
  EXPECT_TRUE(p.remove.empty());
}

TEST(SlicePlannerTest, UnchangedSlicesAreNotWritten) {
  SlicePlan first = PlanSlices(Service(), "IPv4", Eps(0, 15), {}, 10);
  std::vector<controller::ObjectPtr> existing;
  for (size_t i = 0; i < first.create.size(); ++i) {
    existing.push_back(Stored(first.create[i], "web-" + std::to_string(i)));
  }
  SlicePlan again = PlanSlices(Service(), "IPv4", Eps(0, 15), existing, 10);
  EXPECT_TRUE(again.create.empty());
  EXPECT_TRUE(again.update.empty());
  EXPECT_TRUE(again.remove.empty());
}

TEST(SlicePlannerTest, NewEndpointsFillTheFullestSliceFirst) {
  // Two slices: 8 and 3 endpoints; three new endpoints go to the one with 8 (room for 2) and
  // then to the other.
  SlicePlan a = PlanSlices(Service(), "IPv4", Eps(0, 8), {}, 10);
  SlicePlan b = PlanSlices(Service(), "IPv4", Eps(8, 11), {}, 10);
  std::vector<controller::ObjectPtr> existing = {Stored(a.create[0], "web-a"),
                                                 Stored(b.create[0], "web-b")};
  SlicePlan p = PlanSlices(Service(), "IPv4", Eps(0, 14), existing, 10);
  EXPECT_TRUE(p.create.empty());
  ASSERT_EQ(p.update.size(), 2u);
  std::map<std::string, size_t> sizes;
  for (const auto& s : p.update) sizes[GetString(s, {"metadata", "name"})] = Count(s);
  EXPECT_EQ(sizes["web-a"], 10u);
  EXPECT_EQ(sizes["web-b"], 4u);
}

TEST(SlicePlannerTest, EmptiedSliceIsRecycledForOtherPorts) {
  SlicePlan a = PlanSlices(Service(), "IPv4", Eps(0, 3, 80), {}, 10);
  std::vector<controller::ObjectPtr> existing = {Stored(a.create[0], "web-a")};
  // The target port changed: same pods, new port list; the slice is reused, not replaced.
  SlicePlan p = PlanSlices(Service(), "IPv4", Eps(0, 3, 8080), existing, 10);
  EXPECT_TRUE(p.create.empty());
  EXPECT_TRUE(p.remove.empty());
  ASSERT_EQ(p.update.size(), 1u);
  EXPECT_EQ(GetInt(p.update[0].at("ports").as_array()[0], {"port"}), 8080);
  EXPECT_EQ(Count(p.update[0]), 3u);
}

TEST(SlicePlannerTest, NoEndpointsKeepsOnePlaceholder) {
  SlicePlan a = PlanSlices(Service(), "IPv4", Eps(0, 20), {}, 10);
  std::vector<controller::ObjectPtr> existing = {Stored(a.create[0], "web-a"),
                                                 Stored(a.create[1], "web-b")};
  SlicePlan p = PlanSlices(Service(), "IPv4", {}, existing, 10);
  EXPECT_TRUE(p.create.empty());
  ASSERT_EQ(p.update.size(), 1u);
  EXPECT_EQ(Count(p.update[0]), 0u);
  EXPECT_TRUE(p.update[0].at("ports").as_array().empty());
  EXPECT_EQ(p.remove.size(), 1u);

  SlicePlan none = PlanSlices(Service(), "IPv4", {}, {}, 10);
  ASSERT_EQ(none.create.size(), 1u);
  EXPECT_EQ(Count(none.create[0]), 0u);
}

TEST(SlicePlannerTest, ChangedEndpointIsUpdatedInPlace) {
  SlicePlan a = PlanSlices(Service(), "IPv4", Eps(0, 5), {}, 10);
  std::vector<controller::ObjectPtr> existing = {Stored(a.create[0], "web-a")};
  std::vector<DesiredEndpoint> d = Eps(0, 5);
  d[2] = Ep(2, 80, /*ready=*/false);
  SlicePlan p = PlanSlices(Service(), "IPv4", d, existing, 10);
  ASSERT_EQ(p.update.size(), 1u);
  EXPECT_FALSE(GetPath(p.update[0].at("endpoints").as_array()[2], {"conditions", "ready"})
                   ->as_bool());
}

TEST(SlicePlannerTest, SlicesOfAnotherOwnerOrAddressTypeGo) {
  SlicePlan a = PlanSlices(Service(), "IPv4", Eps(0, 2), {}, 10);
  json::object old_owner = a.create[0];
  old_owner["metadata"].as_object()["ownerReferences"].as_array()[0].as_object()["uid"] = "old";
  json::object v6 = a.create[0];
  v6["addressType"] = "IPv6";
  std::vector<controller::ObjectPtr> existing = {Stored(old_owner, "web-old"),
                                                 Stored(v6, "web-v6")};
  SlicePlan p = PlanSlices(Service(), "IPv4", Eps(0, 2), existing, 10);
  // The old owner's slice is taken over (address type fits); the IPv6 one is deleted.
  EXPECT_TRUE(p.create.empty());
  ASSERT_EQ(p.update.size(), 1u);
  EXPECT_EQ(GetString(p.update[0], {"metadata", "name"}), "web-old");
  EXPECT_EQ(GetString(p.update[0].at("metadata").at("ownerReferences").as_array()[0], {"uid"}),
            "svc-uid");
  EXPECT_EQ(p.remove, std::vector<std::string>{"web-v6"});
}

TEST(SlicePlannerTest, HeadlessLabel) {
  json::object svc = Service();
  svc["spec"].as_object()["clusterIP"] = "None";
  json::object labels = DesiredSliceLabels(svc);
  ASSERT_TRUE(labels.contains("service.kubernetes.io/headless"));
  EXPECT_EQ(labels.at("service.kubernetes.io/headless").as_string(), "");
  EXPECT_FALSE(DesiredSliceLabels(Service()).contains("service.kubernetes.io/headless"));
}

}  // namespace
}  // namespace berth::controllers::endpoints

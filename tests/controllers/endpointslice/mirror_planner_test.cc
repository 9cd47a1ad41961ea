// PlanMirror / ShouldMirror as pure functions: what is mirrored, grouping, updates, deletes.
#include "controllers/endpointslice/mirror_planner.h"

#include <gtest/gtest.h>

namespace berth::controllers::endpoints {
namespace {

json::object Endpoints(json::array subsets) {
  return json::object{
      {"metadata", json::object{{"name", "ext"}, {"namespace", "ns"}, {"uid", "ep-uid"},
                                {"labels", json::object{{"custom", "yes"}}},
                                {"annotations", json::object{{"keep", "1"},
                                                             {"kubectl.kubernetes.io/last-applied-configuration", "{}"}}}}},
      {"subsets", std::move(subsets)}};
}

json::object Subset(std::vector<std::string> ready, std::vector<std::string> not_ready, int64_t port,
                    std::string name = "http") {
  json::array a, n;
  for (auto& ip : ready) a.push_back(json::object{{"ip", ip}});
  for (auto& ip : not_ready) n.push_back(json::object{{"ip", ip}, {"hostname", "h"}});
  json::object s{{"addresses", a}, {"ports", json::array{json::object{{"name", name}, {"port", port}}}}};
  if (!n.empty()) s["notReadyAddresses"] = n;
  return s;
}

controller::ObjectPtr Stored(json::object slice, const std::string& name) {
  slice["metadata"].as_object()["name"] = name;
  slice["metadata"].as_object().erase("generateName");
  slice["metadata"].as_object()["resourceVersion"] = "7";
  return std::make_shared<const json::object>(std::move(slice));
}

json::object Service(bool selector, std::string type = "ClusterIP") {
  json::object spec{{"type", type}};
  if (selector) spec["selector"] = json::object{{"app", "x"}};
  return json::object{{"metadata", json::object{{"name", "ext"}}}, {"spec", spec}};
}

TEST(MirrorPlannerTest, MirrorsOnlySelectorlessServicesWithoutSkipLabel) {
  json::object ep = Endpoints({});
  json::object no_sel = Service(false), with_sel = Service(true), ext = Service(false, "ExternalName");
  EXPECT_TRUE(ShouldMirror(&no_sel, &ep));
  EXPECT_FALSE(ShouldMirror(&with_sel, &ep));
  EXPECT_FALSE(ShouldMirror(&ext, &ep));
  EXPECT_FALSE(ShouldMirror(nullptr, &ep));
  EXPECT_FALSE(ShouldMirror(&no_sel, nullptr));
  ep["metadata"].as_object()["labels"].as_object()[kSkipMirrorLabel] = "true";
  EXPECT_FALSE(ShouldMirror(&no_sel, &ep));
}

TEST(MirrorPlannerTest, CreatesOneSlicePerPortListWithLabelsOwnerAndConditions) {
  json::object ep = Endpoints(json::array{Subset({"10.0.0.1"}, {"10.0.0.2"}, 80),
                                          Subset({"10.0.0.3"}, {}, 80),  // same ports: merged
                                          Subset({"10.0.0.4"}, {}, 8080)});
  SlicePlan p = PlanMirror(&ep, {});
  ASSERT_EQ(p.create.size(), 2u);
  EXPECT_TRUE(p.update.empty());
  EXPECT_TRUE(p.remove.empty());
  size_t total = 0;
  for (const auto& s : p.create) {
    EXPECT_EQ(GetString(s, {"metadata", "generateName"}), "ext-");
    EXPECT_EQ(GetString(s, {"metadata", "labels", kManagedByLabel}), kMirrorManagedByValue);
    EXPECT_EQ(GetString(s, {"metadata", "labels", "kubernetes.io/service-name"}), "ext");
    EXPECT_EQ(GetString(s, {"metadata", "labels", "custom"}), "yes");
    EXPECT_EQ(GetString(s, {"metadata", "annotations", "keep"}), "1");
    EXPECT_EQ(GetPath(s, {"metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"}), nullptr);
    const auto& owner = s.at("metadata").at("ownerReferences").as_array().at(0);
    EXPECT_EQ(GetString(owner, {"kind"}), "Endpoints");
    EXPECT_EQ(GetString(owner, {"uid"}), "ep-uid");
    EXPECT_EQ(GetString(s, {"addressType"}), "IPv4");
    EXPECT_EQ(GetString(s.at("ports").as_array().at(0), {"protocol"}), "TCP");
    total += s.at("endpoints").as_array().size();
    if (GetInt(s.at("ports").as_array().at(0), {"port"}) == 80) {
      ASSERT_EQ(s.at("endpoints").as_array().size(), 3u);
      const auto& nr = s.at("endpoints").as_array().at(1);
      EXPECT_EQ(nr.at("addresses").as_array().at(0).as_string(), "10.0.0.2");
      EXPECT_FALSE(nr.at("conditions").at("ready").as_bool());
      EXPECT_EQ(GetString(nr, {"hostname"}), "h");
    }
  }
  EXPECT_EQ(total, 4u);
}

TEST(MirrorPlannerTest, UnchangedSlicesAreLeftAloneChangedOnesUpdated) {
  json::object ep = Endpoints(json::array{Subset({"10.0.0.1"}, {}, 80)});
  SlicePlan first = PlanMirror(&ep, {});
  ASSERT_EQ(first.create.size(), 1u);
  auto stored = Stored(first.create[0], "ext-abc");
  SlicePlan again = PlanMirror(&ep, {stored});
  EXPECT_TRUE(again.create.empty());
  EXPECT_TRUE(again.update.empty());
  EXPECT_TRUE(again.remove.empty());

  json::object moved = Endpoints(json::array{Subset({"10.0.0.9"}, {}, 80)});
  SlicePlan upd = PlanMirror(&moved, {stored});
  ASSERT_EQ(upd.update.size(), 1u);
  EXPECT_TRUE(upd.create.empty());
  EXPECT_EQ(GetString(upd.update[0], {"metadata", "name"}), "ext-abc");
  EXPECT_EQ(GetString(upd.update[0], {"metadata", "resourceVersion"}), "7");
  EXPECT_EQ(upd.update[0].at("endpoints").as_array().at(0).at("addresses").as_array().at(0).as_string(), "10.0.0.9");
}

TEST(MirrorPlannerTest, PortChangeReplacesTheSlice) {
  json::object ep = Endpoints(json::array{Subset({"10.0.0.1"}, {}, 80)});
  auto stored = Stored(PlanMirror(&ep, {}).create.at(0), "ext-abc");
  json::object other = Endpoints(json::array{Subset({"10.0.0.1"}, {}, 8080)});
  SlicePlan p = PlanMirror(&other, {stored});
  EXPECT_EQ(p.create.size(), 1u);
  ASSERT_EQ(p.remove.size(), 1u);
  EXPECT_EQ(p.remove[0], "ext-abc");
}

TEST(MirrorPlannerTest, NoEndpointsDeletesEverything) {
  json::object ep = Endpoints(json::array{Subset({"10.0.0.1"}, {}, 80), Subset({"10.0.0.2"}, {}, 81)});
  SlicePlan first = PlanMirror(&ep, {});
  ASSERT_EQ(first.create.size(), 2u);
  std::vector<controller::ObjectPtr> stored{Stored(first.create[0], "a"), Stored(first.create[1], "b")};
  SlicePlan p = PlanMirror(nullptr, stored);
  EXPECT_TRUE(p.create.empty());
  EXPECT_TRUE(p.update.empty());
  EXPECT_EQ(p.remove.size(), 2u);
}

TEST(MirrorPlannerTest, LargeGroupsAreCutAndIPv6SeparatedFromIPv4) {
  std::vector<std::string> ips;
  for (int i = 0; i < 25; ++i) ips.push_back("10.0.1." + std::to_string(i));
  json::object ep = Endpoints(json::array{Subset(ips, {}, 80), Subset({"fd00::1"}, {}, 80)});
  SlicePlan p = PlanMirror(&ep, {}, 10);
  ASSERT_EQ(p.create.size(), 4u);  // 10 + 10 + 5 IPv4, 1 IPv6
  int v6 = 0;
  for (const auto& s : p.create) {
    EXPECT_LE(s.at("endpoints").as_array().size(), 10u);
    if (GetString(s, {"addressType"}) == "IPv6") ++v6;
  }
  EXPECT_EQ(v6, 1);
}

}  // namespace
}  // namespace berth::controllers::endpoints

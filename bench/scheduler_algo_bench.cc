// The placement algorithm alone: 5,000 nodes, 1,000 existing pods, 10,000 pods placed one
// after another (each assumed on its node, as the scheduler does). Prints µs per pod for plain
// pods (requests only), and for pods with a zone spread constraint and hostname anti-affinity.
#include <chrono>
#include <cstdio>
#include <string>

#include "scheduler/framework.h"
#include "scheduler/schedule.h"
#include "scheduler/snapshot.h"

using namespace berth;             // NOLINT
using namespace berth::scheduler;  // NOLINT

namespace {

json::object Node(int i) {
  json::object alloc{{"cpu", "4"}, {"memory", "32Gi"}, {"pods", "110"}};
  return json::object{
      {"metadata",
       json::object{{"name", "node-" + std::to_string(i)},
                    {"labels", json::object{{"kubernetes.io/hostname", "node-" + std::to_string(i)},
                                            {"topology.kubernetes.io/zone",
                                             "zone-" + std::to_string(i % 3)}}}}},
      {"status", json::object{{"allocatable", alloc}}}};
}

json::object Pod(const std::string& name, const std::string& app, const json::object& extra = {}) {
  json::object spec{
      {"containers",
       json::array{json::object{
           {"name", "c"},
           {"resources",
            json::object{{"requests", json::object{{"cpu", "10m"}, {"memory", "32Mi"}}}}}}}}};
  for (const auto& [k, v] : extra) spec[k] = v;
  return json::object{
      {"metadata", json::object{{"name", name},
                                {"namespace", "default"},
                                {"labels", json::object{{"app", app}}}}},
      {"spec", spec}};
}

double Run(const char* label, int nodes, int existing, int pods, const json::object& extra) {
  Snapshot snap;
  for (int i = 0; i < nodes; i++) snap.UpsertNode(Node(i));
  Algorithm algo(DefaultRegistry());
  for (int i = 0; i < existing; i++) {
    auto p = Pod("old-" + std::to_string(i), "old");
    p["spec"].as_object()["nodeName"] = "node-" + std::to_string(i % nodes);
    snap.AddPod(ParsePod(p));
  }
  std::vector<std::shared_ptr<const PodInfo>> infos;
  for (int i = 0; i < pods; i++) infos.push_back(ParsePod(Pod("p-" + std::to_string(i), "web", extra)));
  int failed = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& info : infos) {
    ScheduleResult r = algo.Schedule(snap, *info);
    if (r.node.empty()) {
      failed++;
      continue;
    }
    auto assumed = std::make_shared<PodInfo>(*info);
    assumed->node_name = r.node;
    snap.AddPod(std::move(assumed));
  }
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                  .count() / pods;
  std::printf("%-34s nodes=%d existing=%d pods=%d: %.1f us/pod (%.0f pods/s), unschedulable=%d\n",
              label, nodes, existing, pods, us, 1e6 / us, failed);
  return us;
}

}  // namespace

int main() {
  Run("plain (requests only)", 5000, 1000, 10000, {});
  auto spread = ParseJson(R"({"topologySpreadConstraints": [{"maxSkew": 1,
      "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
      "labelSelector": {"matchLabels": {"app": "web"}}}]})");
  Run("zone spread (DoNotSchedule)", 5000, 1000, 2000, spread->as_object());
  auto anti = ParseJson(R"({"affinity": {"podAntiAffinity": {
      "requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector":
      {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}})");
  Run("hostname anti-affinity", 5000, 1000, 2000, anti->as_object());
  return 0;
}

// Test harness: compact builders for Node and Pod JSON and a Cluster (Snapshot + Algorithm).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>

#include "common/json.h"
#include "scheduler/framework.h"
#include "scheduler/schedule.h"
#include "scheduler/snapshot.h"

namespace berth::scheduler::testing {

using Labels = std::map<std::string, std::string>;

// Parses JSON text into an object (fails the test on malformed text).
inline json::object Obj(std::string_view text) {
  auto v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << text;
  if (!v.ok() || !v->is_object()) return {};
  return v->as_object();
}

inline json::object LabelsJson(const Labels& labels) {
  json::object o;
  for (const auto& [k, v] : labels) o[k] = v;
  return o;
}

struct NodeSpec {
  std::string cpu = "4";
  std::string memory = "8Gi";
  int pods = 110;
  Labels labels{};
  std::string taints_json = "[]";  // spec.taints
  bool unschedulable = false;
  std::string extra_allocatable_json = "{}";  // merged into status.allocatable
};

// A Node with kubernetes.io/hostname=<name> plus `s.labels`.
inline json::object Node(const std::string& name, NodeSpec s = {}) {
  Labels labels = s.labels;
  labels.emplace("kubernetes.io/hostname", name);
  json::object alloc{{"cpu", s.cpu}, {"memory", s.memory}, {"pods", std::to_string(s.pods)}};
  for (const auto& [k, v] : Obj(s.extra_allocatable_json)) alloc[k] = v;
  auto taints = ParseJson(s.taints_json);
  EXPECT_TRUE(taints.ok()) << s.taints_json;
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Node"},
      {"metadata", json::object{{"name", name}, {"labels", LabelsJson(labels)}}},
      {"spec", json::object{{"unschedulable", s.unschedulable},
                            {"taints", taints.ok() ? *taints : json::value(json::array{})}}},
      {"status", json::object{{"allocatable", alloc}, {"capacity", alloc}}}};
}

struct PodSpec {
  std::string cpu{};  // requests of the single container ("" = none)
  std::string memory{};
  Labels labels{};
  std::string ns = "default";
  std::string spec_json = "{}";  // merged into spec (affinity, tolerations, ...)
};

inline json::object Pod(const std::string& name, PodSpec s = {}) {
  json::object requests;
  if (!s.cpu.empty()) requests["cpu"] = s.cpu;
  if (!s.memory.empty()) requests["memory"] = s.memory;
  json::object spec{{"containers", json::array{json::object{
                                       {"name", "c"},
                                       {"image", "busybox"},
                                       {"resources", json::object{{"requests", requests}}}}}}};
  for (const auto& [k, v] : Obj(s.spec_json)) spec[k] = v;
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", json::object{{"name", name},
                                                {"namespace", s.ns},
                                                {"uid", "uid-" + name},
                                                {"labels", LabelsJson(s.labels)}}},
                      {"spec", spec}};
}

// A snapshot plus an algorithm with the default plugins (or a given registry).
class Cluster {
 public:
  explicit Cluster(AlgorithmOptions opts = {}, PluginRegistry registry = DefaultRegistry())
      : algorithm_(registry, opts) {}

  Cluster& AddNode(const std::string& name, NodeSpec s = {}) {
    snapshot_.UpsertNode(Node(name, s));
    return *this;
  }
  // Adds `pod` bound to `node`.
  Cluster& Bind(const std::string& node, json::object pod) {
    pod["spec"].as_object()["nodeName"] = node;
    snapshot_.AddPod(ParsePod(pod));
    return *this;
  }
  ScheduleResult Schedule(const json::object& pod) {
    return algorithm_.Schedule(snapshot_, *ParsePod(pod));
  }
  // Schedules and, on success, binds the pod to the chosen node (like the scheduler's assume).
  ScheduleResult ScheduleAndBind(json::object pod) {
    ScheduleResult r = Schedule(pod);
    if (!r.node.empty()) Bind(r.node, std::move(pod));
    return r;
  }
  Snapshot& snapshot() { return snapshot_; }
  Algorithm& algorithm() { return algorithm_; }

 private:
  Snapshot snapshot_;
  Algorithm algorithm_;
};

}  // namespace berth::scheduler::testing

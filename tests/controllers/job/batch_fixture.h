// Shared fixture for the Job and CronJob controller tests: a ControlPlane, object builders,
// a "settle" wait (informer caches equal to the server) and a simulated kubelet that finishes
// pods by patching their status.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "controllers/job/job_controller.h"
#include "controllers/testing/control_plane.h"

namespace berth::controllers::batchtest {

inline const std::string kPods = "/api/v1/namespaces/default/pods";
inline const std::string kJobs = "/apis/batch/v1/namespaces/default/jobs";
inline const std::string kCronJobs = "/apis/batch/v1/namespaces/default/cronjobs";

inline json::object PodTemplate() {
  return json::object{
      {"metadata", json::object{{"labels", json::object{{"app", "batch"}}}}},
      {"spec", json::object{{"restartPolicy", "Never"},
                            {"containers",
                             json::array{json::object{{"name", "main"}, {"image", "busybox"}}}}}}};
}

inline json::object Job(const std::string& name, json::object spec) {
  spec["template"] = PodTemplate();
  return json::object{{"apiVersion", "batch/v1"},
                      {"kind", "Job"},
                      {"metadata", json::object{{"name", name}}},
                      {"spec", std::move(spec)}};
}

class BatchTest : public ::testing::Test {
 protected:
  // The informers' handlers call into the controllers, destroyed before cp_: stop them first.
  void TearDown() override { cp_.StopInformers(); }
  // name -> resourceVersion of a collection on the server.
  std::map<std::string, std::string> ServerVersions(const std::string& path) {
    std::map<std::string, std::string> out;
    for (const auto& o : cp_.List(path)) {
      out[GetString(o.as_object(), {"metadata", "name"})] =
          GetString(o.as_object(), {"metadata", "resourceVersion"});
    }
    return out;
  }
  std::map<std::string, std::string> CachedVersions(const std::string& collection) {
    std::map<std::string, std::string> out;
    for (const auto& o : cp_.informers()->For(collection)->List("default")) {
      out[GetString(*o, {"metadata", "name"})] = GetString(*o, {"metadata", "resourceVersion"});
    }
    return out;
  }
  // Waits until the pod, job (and cronjob) caches hold exactly what the server holds.
  void Settle() {
    bool ok = testing::ControlPlane::WaitFor([&] {
      return ServerVersions(kPods) == CachedVersions("/api/v1/pods") &&
             ServerVersions(kJobs) == CachedVersions("/apis/batch/v1/jobs") &&
             ServerVersions(kCronJobs) == CachedVersions("/apis/batch/v1/cronjobs");
    });
    ASSERT_TRUE(ok) << "informer caches did not catch up";
  }

  json::object GetJob(const std::string& name) { return cp_.MustGet(kJobs + "/" + name); }
  bool Exists(const std::string& path) { return cp_.client()->Get(path).ok(); }

  // Pods of the job (by the job-name label), sorted by name.
  std::vector<json::object> PodsOf(const std::string& job, bool include_deleting = false) {
    std::vector<json::object> out;
    for (const auto& p : cp_.List(kPods)) {
      const json::object& o = p.as_object();
      if (GetString(o, {"metadata", "labels", "batch.kubernetes.io/job-name"}) != job) continue;
      if (!include_deleting && !GetString(o, {"metadata", "deletionTimestamp"}).empty()) continue;
      out.push_back(o);
    }
    return out;
  }
  std::vector<json::object> RunningPodsOf(const std::string& job) {
    std::vector<json::object> out;
    for (auto& p : PodsOf(job)) {
      std::string phase = GetString(p, {"status", "phase"});
      if (phase != "Succeeded" && phase != "Failed") out.push_back(p);
    }
    return out;
  }

  // The simulated kubelet: the pod's container terminated with `exit_code`.
  void Finish(const json::object& pod, int exit_code) {
    std::string name = GetString(pod, {"metadata", "name"});
    std::string at = FormatRfc3339(cp_.clock.Now());
    json::object terminated{{"exitCode", exit_code},
                            {"reason", exit_code == 0 ? "Completed" : "Error"},
                            {"startedAt", at},
                            {"finishedAt", at}};
    json::object patch{
        {"status", json::object{{"phase", exit_code == 0 ? "Succeeded" : "Failed"},
                                {"containerStatuses",
                                 json::array{json::object{
                                     {"name", "main"},
                                     {"image", "busybox"},
                                     {"imageID", ""},
                                     {"ready", false},
                                     {"restartCount", 0},
                                     {"state", json::object{{"terminated", terminated}}}}}}}}};
    auto r = cp_.client()->Patch(kPods + "/" + name + "/status", patch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void MarkReady(const json::object& pod) {
    std::string name = GetString(pod, {"metadata", "name"});
    json::object patch{
        {"status", json::object{{"phase", "Running"},
                                {"conditions",
                                 json::array{json::object{
                                     {"type", "Ready"},
                                     {"status", "True"},
                                     {"lastTransitionTime", FormatRfc3339(cp_.clock.Now())}}}}}}};
    auto r = cp_.client()->Patch(kPods + "/" + name + "/status", patch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // "reason: message" of every Event in the namespace.
  std::vector<std::string> Events() {
    cp_.recorder()->Flush();
    std::vector<std::string> out;
    for (const auto& e : cp_.List("/api/v1/namespaces/default/events")) {
      out.push_back(GetString(e.as_object(), {"reason"}) + ": " +
                    GetString(e.as_object(), {"message"}));
    }
    return out;
  }
  bool HasEvent(const std::string& reason_and_message) {
    for (const auto& e : Events()) {
      if (e == reason_and_message) return true;
    }
    return false;
  }

  static std::string Condition(const json::object& job, const std::string& type,
                               const char* field = "status") {
    const json::value* conds = GetPath(job, {"status", "conditions"});
    if (conds == nullptr || !conds->is_array()) return "";
    for (const auto& c : conds->as_array()) {
      if (GetString(c.as_object(), {"type"}) == type) return GetString(c.as_object(), {field});
    }
    return "";
  }

  testing::ControlPlane cp_;
};

// A JobController on the control plane; Sync(name) runs one sync of default/<name> once the
// caches caught up.
class JobTest : public BatchTest {
 protected:
  void SetUp() override {
    jc_ = std::make_unique<JobController>(cp_.ctx());
    cp_.StartInformers();
  }
  void Sync(const std::string& name) {
    Settle();
    Status st = jc_->SyncNow("default/" + name);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  std::unique_ptr<JobController> jc_;
};

}  // namespace berth::controllers::batchtest

// PodWorker: drives one pod toward its spec, on its own thread (one worker per pod).
//
// Each pass (Sync) looks at the latest Pod from the watch and at the runtime, then does the next
// step: set up the sandbox (network namespace through CNI, IPC/UTS namespaces, /etc/hosts,
// resolv.conf, volumes), run init containers in order, start the containers (pulling images per
// imagePullPolicy), restart exited ones per restartPolicy with exponential back-off
// (CrashLoopBackOff), run startup/liveness/readiness probes on their schedule, and finally kill
// everything gracefully (preStop hooks, SIGTERM, grace period, SIGKILL) when the pod is deleted.
// After each pass it publishes the pod status (phase, conditions, containerStatuses) if it changed
// and sleeps until the next timer (probe, back-off) or an event wakes it.
//
// Adoption: a worker created for a pod whose containers already exist (agent restart) takes them
// over as they are: the runtime's labels say which pod, container name and attempt each one is.
//
// Thread-safety: Update/Delete/Wake may be called from any thread.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "agent/agent_context.h"
#include "agent/volumes.h"
#include "common/json.h"

namespace berth::agent {

// Runtime labels the agent puts on its containers and sandboxes.
inline constexpr char kLabelPodUid[] = "berth.pod.uid";
inline constexpr char kLabelPodName[] = "berth.pod.name";
inline constexpr char kLabelPodNamespace[] = "berth.pod.namespace";
inline constexpr char kLabelContainerName[] = "berth.container.name";
inline constexpr char kLabelAttempt[] = "berth.container.attempt";
inline constexpr char kLabelInit[] = "berth.container.init";
inline constexpr char kLabelImageID[] = "berth.container.image-id";

// Where a container attempt's log lives: <data>/logs/<ns>_<pod>_<uid>/<container>/<attempt>.log
std::string ContainerLogPath(const std::string& data_dir, const std::string& ns,
                             const std::string& pod, const std::string& uid,
                             const std::string& container, int attempt);

// The runtime id of attempt `attempt` of container `name` in pod `uid`.
std::string ContainerId(const std::string& uid, const std::string& name, int attempt);

class PodWorker {
 public:
  PodWorker(AgentContext* ctx, json::object pod);
  ~PodWorker();  // stops the thread (containers keep running)

  // A newer version of the pod from the watch.
  void Update(json::object pod);
  // The pod is gone from the API (or was never there): kill and clean up everything.
  void Delete();
  // Something changed in the runtime (a container exited).
  void Wake();
  // True once the pod was deleted and everything of it removed; the manager then drops it.
  bool Done() const;
  std::string uid() const { return uid_; }

 private:
  struct ProbeState {
    std::chrono::steady_clock::time_point next{};
    int successes = 0;
    int failures = 0;
    bool passed = false;
  };
  struct ContainerRecord {
    std::string name;
    bool init = false;
    bool ephemeral = false;           // from spec.ephemeralContainers: started once, never restarted
    int attempt = -1;                 // latest attempt (= restartCount), -1: never created
    std::string id;                   // runtime id of the latest attempt
    std::optional<runtime::ContainerStatus> current;   // runtime status of the latest attempt
    std::optional<runtime::ContainerStatus> previous;  // the attempt before (lastState)
    std::string image_ref, image_id;
    std::string waiting_reason = "ContainerCreating";
    std::string waiting_message;
    std::chrono::steady_clock::time_point backoff_until{};
    std::chrono::milliseconds backoff{0};
    int crashes = 0;             // exits that led to a restart, for the back-off delay
    bool restart_armed = false;  // the current exit's back-off was already computed
    bool post_start_done = false;
    ProbeState startup, liveness, readiness;
    bool started = false;
    bool ready = false;
  };

  void Loop();
  // One reconciliation pass; returns when to run the next one.
  std::chrono::steady_clock::time_point Sync(const json::object& pod, bool deleted);
  void Adopt();
  void RefreshRuntime();
  Status EnsureSandbox(const json::object& pod);
  // Starts (or restarts) container `c`; on failure sets its waiting reason.
  void StartContainer(const json::object& pod, const json::object& spec, ContainerRecord& c);
  StatusOr<image::Image> EnsureImage(const json::object& pod, const json::object& spec,
                                     ContainerRecord& c);
  // Starts the spec's ephemeral containers that were never started.
  void StartEphemeralContainers(const json::object& pod, const json::object& spec,
                                std::chrono::steady_clock::time_point* wake);
  void RunProbes(const json::object& pod, const json::object& spec, ContainerRecord& c,
                 std::chrono::steady_clock::time_point* wake);
  void KillContainer(const json::object& pod, const json::object* spec, ContainerRecord& c,
                     std::chrono::milliseconds grace, const std::string& reason);
  void Terminate(const json::object& pod, std::chrono::milliseconds grace);
  void PublishStatus(const json::object& pod);
  json::object BuildStatus(const json::object& pod);
  void Event(const std::string& type, const std::string& reason, const std::string& message,
             const std::string& container = "");
  StatusOr<json::value> Lookup(const std::string& resource, const std::string& name);
  // The Service link variables for the pod's containers (see service_env.h).
  std::vector<std::string> ServiceEnv(const json::object& pod);
  // Inputs of the pod's configMap/secret/downwardAPI/projected volumes (see volumes.h).
  VolumeInputs MakeVolumeInputs();
  // Re-publishes those volumes when due or when the pod's labels/annotations changed.
  void RefreshVolumesIfDue(const json::object& pod, std::chrono::steady_clock::time_point* wake);

  AgentContext* ctx_;
  std::string uid_, namespace_, name_, sandbox_id_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  json::object pod_;
  bool deleted_ = false;
  bool dirty_ = true;
  bool quit_ = false;
  bool done_ = false;

  // Owned by the worker thread.
  std::map<std::string, ContainerRecord> containers_;
  bool sandbox_ready_ = false;
  std::string pod_ip_;
  std::map<std::string, PreparedVolume> volumes_;
  std::chrono::steady_clock::time_point next_volume_refresh_{};
  std::string volume_metadata_;  // labels+annotations the downward API files were written from
  std::optional<std::pair<int64_t, int64_t>> node_allocatable_;  // cpu millis, memory bytes
  std::string start_time_;
  std::string last_status_;
  std::string terminal_reason_, terminal_message_;  // DeadlineExceeded etc.
  bool terminated_ = false;
  // The containers were stopped because the pod is being deleted: the status reports a terminal
  // phase (Succeeded only when every container exited 0), as the kubelet does.
  bool stopped_for_deletion_ = false;

  std::thread thread_;
};

}  // namespace berth::agent

#include "agent/node_status.h"

#include <dirent.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace berth::agent {
namespace {

std::string ReadFirstLine(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  return line;
}

int64_t MeminfoKb(const std::string& key) {
  std::ifstream f("/proc/meminfo");
  std::string k;
  int64_t v = 0;
  std::string unit;
  while (f >> k >> v) {
    std::getline(f, unit);
    if (k == key + ":") return v;
  }
  return 0;
}

std::string Quantity(int64_t bytes) { return std::to_string(bytes / 1024) + "Ki"; }

json::object Condition(const std::string& type, bool status, const std::string& reason,
                       const std::string& message, const std::string& now) {
  return json::object{{"type", type},
                      {"status", status ? "True" : "False"},
                      {"reason", reason},
                      {"message", message},
                      {"lastHeartbeatTime", now},
                      {"lastTransitionTime", now}};
}

}  // namespace

HostInfo ReadHostInfo(const std::string& data_dir) {
  HostInfo h;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  h.cpu_millis = (cpus > 0 ? cpus : 1) * 1000;
  h.memory_bytes = MeminfoKb("MemTotal") * 1024;
  h.memory_available_bytes = MeminfoKb("MemAvailable") * 1024;
  struct statvfs st {};
  if (statvfs(data_dir.c_str(), &st) == 0) {
    h.ephemeral_storage_bytes = static_cast<int64_t>(st.f_blocks) * static_cast<int64_t>(st.f_frsize);
    h.ephemeral_available_bytes = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
  }
  h.pid_max = std::atoll(ReadFirstLine("/proc/sys/kernel/pid_max").c_str());
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] >= '1' && e->d_name[0] <= '9') h.pids_in_use++;
    closedir(d);
  }
  struct utsname u {};
  uname(&u);
  h.kernel_version = u.release;
  h.hostname = u.nodename;
  std::string m = u.machine;
  h.architecture = m == "x86_64" ? "amd64" : m == "aarch64" ? "arm64" : m;
  std::ifstream os("/etc/os-release");
  std::string line;
  while (std::getline(os, line)) {
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      h.os_image = line.substr(12);
      if (h.os_image.size() >= 2 && h.os_image.front() == '"')
        h.os_image = h.os_image.substr(1, h.os_image.size() - 2);
    }
  }
  h.machine_id = ReadFirstLine("/etc/machine-id");
  h.boot_id = ReadFirstLine("/proc/sys/kernel/random/boot_id");
  return h;
}

json::object BuildNode(const std::string& name, const std::string& node_ip, const HostInfo& host,
                       const NodeOptions& options, const std::string& now) {
  json::object labels{{"kubernetes.io/hostname", name},
                      {"kubernetes.io/os", "linux"},
                      {"kubernetes.io/arch", host.architecture},
                      {"beta.kubernetes.io/os", "linux"},
                      {"beta.kubernetes.io/arch", host.architecture}};
  for (const auto& [k, v] : options.labels) labels[k] = v;
  json::object capacity{{"cpu", std::to_string(host.cpu_millis / 1000)},
                        {"memory", Quantity(host.memory_bytes)},
                        {"pods", std::to_string(options.max_pods)},
                        {"ephemeral-storage", Quantity(host.ephemeral_storage_bytes)}};
  // Allocatable keeps 100 MiB of memory for the system, as the kubelet's eviction threshold does.
  json::object allocatable = capacity;
  allocatable["memory"] = Quantity(std::max<int64_t>(0, host.memory_bytes - (100 << 20)));
  bool mem_pressure = host.memory_bytes > 0 && host.memory_available_bytes < (100 << 20);
  bool disk_pressure = host.ephemeral_storage_bytes > 0 &&
                       host.ephemeral_available_bytes * 10 < host.ephemeral_storage_bytes;
  bool pid_pressure = host.pid_max > 0 && host.pids_in_use * 10 > host.pid_max * 9;
  json::array conditions{
      Condition("MemoryPressure", mem_pressure,
                mem_pressure ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
                mem_pressure ? "kubelet has insufficient memory available"
                             : "kubelet has sufficient memory available",
                now),
      Condition("DiskPressure", disk_pressure,
                disk_pressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
                disk_pressure ? "kubelet has disk pressure" : "kubelet has no disk pressure", now),
      Condition("PIDPressure", pid_pressure,
                pid_pressure ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
                pid_pressure ? "kubelet has insufficient PID available"
                             : "kubelet has sufficient PID available",
                now),
      Condition("Ready", true, "KubeletReady", "berth agent is posting ready status", now)};
  json::object spec;
  if (!options.pod_cidr.empty()) {
    spec["podCIDR"] = options.pod_cidr;
    spec["podCIDRs"] = json::array{json::value(options.pod_cidr)};
  }
  json::object status{
      {"capacity", capacity},
      {"allocatable", allocatable},
      {"conditions", conditions},
      {"addresses", json::array{json::object{{"type", "InternalIP"}, {"address", node_ip}},
                                json::object{{"type", "Hostname"}, {"address", name}}}},
      {"daemonEndpoints",
       json::object{{"kubeletEndpoint", json::object{{"Port", options.stream_port}}}}},
      {"nodeInfo", json::object{{"machineID", host.machine_id},
                                {"systemUUID", host.machine_id},
                                {"bootID", host.boot_id},
                                {"kernelVersion", host.kernel_version},
                                {"osImage", host.os_image},
                                {"containerRuntimeVersion", options.runtime_version},
                                {"kubeletVersion", "v1.32.5-berth"},
                                {"kubeProxyVersion", "v1.32.5-berth"},
                                {"operatingSystem", "linux"},
                                {"architecture", host.architecture}}}};
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Node"},
                      {"metadata", json::object{{"name", name}, {"labels", labels}}},
                      {"spec", spec},
                      {"status", status}};
}

NodeStatusReporter::NodeStatusReporter(AgentContext* ctx, NodeOptions options)
    : ctx_(ctx), options_(std::move(options)) {}

NodeStatusReporter::~NodeStatusReporter() { Stop(); }

Status NodeStatusReporter::Register() {
  std::string now = FormatRfc3339(ctx_->clock->Now());
  json::object node = BuildNode(ctx_->node_name, ctx_->node_ip, ReadHostInfo(ctx_->data_dir),
                                options_, now);
  auto created = ctx_->api->Create("/api/v1/nodes", node);
  if (created.ok()) {
    // Status is ignored on create; post it through the status subresource.
    return PostStatus();
  }
  if (created.status().reason() != Reason::kAlreadyExists) return created.status();
  // Adopt the existing Node: refresh labels and podCIDR, then status.
  json::object patch{{"metadata", json::object{{"labels", node["metadata"].as_object()["labels"]}}}};
  if (node["spec"].as_object().contains("podCIDR")) patch["spec"] = node["spec"];
  auto patched = ctx_->api->Patch("/api/v1/nodes/" + ctx_->node_name, patch);
  if (!patched.ok()) {
    // podCIDR is immutable once set; retry without it.
    patch.erase("spec");
    auto again = ctx_->api->Patch("/api/v1/nodes/" + ctx_->node_name, patch);
    if (!again.ok()) return again.status();
  }
  return PostStatus();
}

Status NodeStatusReporter::PostStatus() {
  std::string now = FormatRfc3339(ctx_->clock->Now());
  json::object node = BuildNode(ctx_->node_name, ctx_->node_ip, ReadHostInfo(ctx_->data_dir),
                                options_, now);
  // Keep lastTransitionTime for conditions whose status did not change.
  auto current = ctx_->api->Get("/api/v1/nodes/" + ctx_->node_name);
  if (current.ok()) {
    const auto* old = GetPath(*current, {"status", "conditions"});
    if (old && old->is_array()) {
      for (auto& c : node["status"].as_object()["conditions"].as_array()) {
        auto& co = c.as_object();
        for (const auto& o : old->as_array()) {
          if (!o.is_object()) continue;
          if (GetString(o.as_object(), {"type"}) == GetString(co, {"type"}) &&
              GetString(o.as_object(), {"status"}) == GetString(co, {"status"}))
            co["lastTransitionTime"] = GetString(o.as_object(), {"lastTransitionTime"});
        }
      }
    }
  }
  json::object patch{{"status", node["status"]}};
  auto r = ctx_->api->Patch("/api/v1/nodes/" + ctx_->node_name + "/status", patch);
  return r.ok() ? Status::Ok() : r.status();
}

bool NodeStatusReporter::ServerSaysNotReady() {
  auto node = ctx_->api->Get("/api/v1/nodes/" + ctx_->node_name);
  if (!node.ok()) return false;
  const auto* conds = GetPath(*node, {"status", "conditions"});
  if (!conds || !conds->is_array()) return true;
  for (const auto& c : conds->as_array()) {
    if (c.is_object() && GetString(c.as_object(), {"type"}) == "Ready")
      return GetString(c.as_object(), {"status"}) != "True";
  }
  return true;
}

Status NodeStatusReporter::RenewLease() {
  std::string path = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" +
                     ctx_->node_name;
  std::string now = FormatRfc3339Micro(ctx_->clock->Now());
  json::object patch{{"spec", json::object{{"holderIdentity", ctx_->node_name},
                                          {"leaseDurationSeconds", 40},
                                          {"renewTime", now}}}};
  auto r = ctx_->api->Patch(path, patch);
  if (r.ok()) return Status::Ok();
  if (r.status().reason() != Reason::kNotFound) return r.status();
  json::object lease{{"apiVersion", "coordination.k8s.io/v1"},
                     {"kind", "Lease"},
                     {"metadata", json::object{{"name", ctx_->node_name},
                                               {"namespace", "kube-node-lease"}}},
                     {"spec", patch["spec"]}};
  auto c = ctx_->api->Create("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
                             lease);
  return c.ok() ? Status::Ok() : c.status();
}

Status NodeStatusReporter::Start() {
  std::chrono::milliseconds delay(100);
  while (true) {
    Status s = Register();
    if (s.ok()) break;
    fprintf(stderr, "agent: registering node %s: %s (retrying)\n", ctx_->node_name.c_str(),
            s.ToString().c_str());
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, delay, [&] { return stop_; })) return Status(Reason::kServiceUnavailable, "stopped");
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
  (void)RenewLease();
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void NodeStatusReporter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NodeStatusReporter::Poke() {
  std::lock_guard<std::mutex> lock(mu_);
  poke_ = true;
  cv_.notify_all();
}

void NodeStatusReporter::Loop() {
  auto next_status = std::chrono::steady_clock::now() + options_.status_interval;
  auto retry = options_.lease_renew;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, retry, [&] { return stop_ || poke_; });
    if (stop_) break;
    bool poked = poke_;
    poke_ = false;
    lock.unlock();
    Status s = RenewLease();
    if (s.ok() && (poked || std::chrono::steady_clock::now() >= next_status ||
                   ServerSaysNotReady())) {
      s = PostStatus();
      next_status = std::chrono::steady_clock::now() + options_.status_interval;
    }
    // Unreachable server: retry sooner with back-off, never slower than the renew interval.
    retry = s.ok() ? options_.lease_renew
                   : std::min(options_.lease_renew, std::chrono::milliseconds(2000));
    lock.lock();
  }
}

}  // namespace berth::agent

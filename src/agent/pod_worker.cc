#include "agent/pod_worker.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "agent/container_config.h"
#include "agent/etc_hosts.h"
#include "agent/log_reader.h"
#include "agent/service_env.h"
#include "client/event_recorder.h"
#include "agent/probes.h"
#include "api/validation/quantity.h"
#include "common/base64.h"

namespace berth::agent {
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

namespace {

const json::array* Array(const json::object& o, std::initializer_list<std::string_view> path) {
  const json::value* v = GetPath(o, path);
  return v && v->is_array() ? &v->as_array() : nullptr;
}

std::string Rfc(Clock::time_point t) { return FormatRfc3339(t); }

bool IsLatestTag(const std::string& image) {
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  if (image.find('@') != std::string::npos) return false;
  return colon == std::string::npos || (slash != std::string::npos && colon < slash) ||
         image.substr(colon + 1) == "latest";
}

json::object TerminatedState(const runtime::ContainerStatus& s) {
  std::string reason = s.oom_killed ? "OOMKilled" : s.exit_code == 0 ? "Completed" : "Error";
  if (!s.message.empty() && s.started_at == Clock::time_point{}) reason = "StartError";
  json::object t{{"exitCode", s.exit_code},
                 {"reason", reason},
                 {"startedAt", Rfc(s.started_at == Clock::time_point{} ? s.finished_at : s.started_at)},
                 {"finishedAt", Rfc(s.finished_at)},
                 {"containerID", "berth://" + s.id}};
  if (!s.message.empty()) t["message"] = s.message;
  return t;
}

}  // namespace

std::string ContainerId(const std::string& uid, const std::string& name, int attempt) {
  std::string short_uid;
  for (char c : uid)
    if (c != '-' && short_uid.size() < 12) short_uid += c;
  return short_uid + "-" + std::to_string(attempt) + "-" + name.substr(0, 40);
}

std::string ContainerLogPath(const std::string& data_dir, const std::string& ns,
                             const std::string& pod, const std::string& uid,
                             const std::string& container, int attempt) {
  return data_dir + "/logs/" + ns + "_" + pod + "_" + uid + "/" + container + "/" +
         std::to_string(attempt) + ".log";
}

PodWorker::PodWorker(AgentContext* ctx, json::object pod) : ctx_(ctx), pod_(std::move(pod)) {
  uid_ = GetString(pod_, {"metadata", "uid"});
  namespace_ = GetString(pod_, {"metadata", "namespace"});
  name_ = GetString(pod_, {"metadata", "name"});
  sandbox_id_ = uid_;
  thread_ = std::thread([this] { Loop(); });
}

PodWorker::~PodWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void PodWorker::Update(json::object pod) {
  std::lock_guard<std::mutex> lock(mu_);
  pod_ = std::move(pod);
  dirty_ = true;
  cv_.notify_all();
}

void PodWorker::Delete() {
  std::lock_guard<std::mutex> lock(mu_);
  deleted_ = true;
  dirty_ = true;
  cv_.notify_all();
}

void PodWorker::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  dirty_ = true;
  cv_.notify_all();
}

bool PodWorker::Done() const {
  std::lock_guard<std::mutex> lock(mu_);
  return done_;
}

void PodWorker::Loop() {
  Adopt();
  std::unique_lock<std::mutex> lock(mu_);
  SteadyClock::time_point wake = SteadyClock::now();
  while (!quit_ && !done_) {
    cv_.wait_until(lock, wake, [&] { return quit_ || dirty_; });
    if (quit_) break;
    dirty_ = false;
    json::object pod = pod_;
    bool deleted = deleted_;
    lock.unlock();
    auto next = Sync(pod, deleted);
    lock.lock();
    // With a manual clock (tests), timers are re-checked at least every 200 ms.
    wake = std::min(next, SteadyClock::now() + Ms(ctx_->fake_runtime ? 200 : 60000));
  }
}

void PodWorker::Event(const std::string& type, const std::string& reason,
                      const std::string& message, const std::string& container) {
  if (!ctx_->events) return;
  client::ObjectRef ref{"Pod", namespace_, name_, uid_, ""};
  if (!container.empty()) {
    bool init = containers_.count(container) && containers_[container].init;
    bool ephemeral = containers_.count(container) && containers_[container].ephemeral;
    ref.field_path = std::string(init ? "spec.initContainers{" : ephemeral ? "spec.ephemeralContainers{"
                                                                           : "spec.containers{") +
                     container + "}";
  }
  ctx_->events->Record(ref, type, reason, message);
}

std::vector<std::string> PodWorker::ServiceEnv(const json::object& pod) {
  bool links = true;
  if (const auto* v = GetPath(pod, {"spec", "enableServiceLinks"}); v && v->is_bool())
    links = v->as_bool();
  StatusOr<json::value> local = Status(Reason::kNotFound, "");
  if (links) local = ctx_->api->Get("/api/v1/namespaces/" + namespace_ + "/services");
  auto master = ctx_->api->Get("/api/v1/namespaces/default/services/kubernetes");
  const json::array* items = local.ok() ? Array(local->as_object(), {"items"}) : nullptr;
  return ServiceEnvironment(items, master.ok() && master->is_object() ? &master->as_object() : nullptr,
                            links);
}

StatusOr<json::value> PodWorker::Lookup(const std::string& resource, const std::string& name) {
  return ctx_->api->Get("/api/v1/namespaces/" + namespace_ + "/" + resource + "/" + name);
}

VolumeInputs PodWorker::MakeVolumeInputs() {
  VolumeInputs in;
  in.lookup = [this](const std::string& r, const std::string& n) { return Lookup(r, n); };
  in.pod_ip = pod_ip_;
  in.host_ip = ctx_->node_ip;
  in.create = [this](const std::string& path, const json::value& body) {
    return ctx_->api->Create(path, body);
  };
  in.node_allocatable = [this]() -> std::pair<int64_t, int64_t> {
    if (node_allocatable_) return *node_allocatable_;
    auto node = ctx_->api->Get("/api/v1/nodes/" + ctx_->node_name);
    if (!node.ok()) return {0, 0};
    auto cpu = api::validation::ParseQuantity(
        GetString(node->as_object(), {"status", "allocatable", "cpu"}));
    auto mem = api::validation::ParseQuantity(
        GetString(node->as_object(), {"status", "allocatable", "memory"}));
    if (!cpu || !mem) return {0, 0};
    node_allocatable_ = std::make_pair(cpu->MilliValue(), mem->Value());
    return *node_allocatable_;
  };
  return in;
}

void PodWorker::RefreshVolumesIfDue(const json::object& pod, SteadyClock::time_point* wake) {
  int api_sources = 0;
  if (ctx_->fake_runtime || !HasContentVolumes(pod, &api_sources)) return;
  auto now = SteadyClock::now();
  std::string metadata;
  for (const char* f : {"labels", "annotations"})
    if (const auto* m = GetPath(pod, {"metadata", f})) metadata += ToJson(*m);
  if (now >= next_volume_refresh_ || metadata != volume_metadata_) {
    Status s = RefreshVolumes(pod, ctx_->data_dir + "/pods/" + uid_, MakeVolumeInputs());
    if (!s.ok())
      fprintf(stderr, "agent: refreshing volumes of %s/%s: %s\n", namespace_.c_str(),
              name_.c_str(), s.ToString().c_str());
    volume_metadata_ = metadata;
    // Every ConfigMap/Secret reference costs one GET per pass: 2 s plus 100 ms per reference
    // keeps a pod with many of them under ~10 GETs/s.
    next_volume_refresh_ = now + Ms(2000 + 100 * std::min(api_sources, 280));
  }
  *wake = std::min(*wake, next_volume_refresh_);
}

void PodWorker::Adopt() {
  auto list = ctx_->runtime->ListContainers();
  if (!list.ok()) return;
  for (auto& s : *list) {
    auto uid = s.labels.find(kLabelPodUid);
    if (uid == s.labels.end() || uid->second != uid_) continue;
    std::string name = s.labels[kLabelContainerName];
    int attempt = std::atoi(s.labels[kLabelAttempt].c_str());
    auto& c = containers_[name];
    c.name = name;
    c.init = s.labels[kLabelInit] == "true";
    c.image_id = s.labels[kLabelImageID];
    if (attempt > c.attempt) {
      if (c.current) c.previous = c.current;
      c.attempt = attempt;
      c.id = s.id;
      c.current = s;
    } else if (!c.previous || attempt > std::atoi(c.previous->labels[kLabelAttempt].c_str())) {
      c.previous = s;
    }
    c.waiting_reason.clear();
    c.post_start_done = true;
    // An adopted running container keeps its readiness until the probes say otherwise.
    c.started = s.state == runtime::ContainerState::kRunning;
  }
  if (!containers_.empty()) {
    sandbox_ready_ = true;
    if (ctx_->network) {
      auto net = ctx_->network->Get(sandbox_id_);
      if (net.ok()) pod_ip_ = net->ip;
    } else {
      pod_ip_ = ctx_->node_ip;
    }
    std::string start = GetString(pod_, {"status", "startTime"});
    if (!start.empty()) start_time_ = start;
  }
}

void PodWorker::RefreshRuntime() {
  for (auto& [name, c] : containers_) {
    if (c.id.empty()) continue;
    auto s = ctx_->runtime->Inspect(c.id);
    if (s.ok()) c.current = *s;
    else c.current.reset();
  }
}

Status PodWorker::EnsureSandbox(const json::object& pod) {
  if (sandbox_ready_) return Status::Ok();
  bool host_network = false;
  if (const auto* hn = GetPath(pod, {"spec", "hostNetwork"}); hn && hn->is_bool())
    host_network = hn->as_bool();
  runtime::SandboxSpec spec;
  spec.id = sandbox_id_;
  std::string hostname = GetString(pod, {"spec", "hostname"});
  if (hostname.empty()) hostname = name_.substr(0, 63);
  spec.hostname = hostname;
  spec.labels = {{kLabelPodUid, uid_}, {kLabelPodName, name_}, {kLabelPodNamespace, namespace_}};
  if (host_network || !ctx_->network) {
    pod_ip_ = ctx_->node_ip;
  } else {
    std::vector<network::PortMapping> ports;
    if (const auto* cs = Array(pod, {"spec", "containers"}))
      for (const auto& c : *cs)
        if (const auto* ps = Array(c.as_object(), {"ports"}))
          for (const auto& p : *ps) {
            int hp = static_cast<int>(GetInt(p.as_object(), {"hostPort"}));
            if (hp <= 0) continue;
            network::PortMapping m;
            m.container_port = static_cast<int>(GetInt(p.as_object(), {"containerPort"}));
            m.host_port = hp;
            m.protocol = GetString(p.as_object(), {"protocol"}, "TCP");
            m.host_ip = GetString(p.as_object(), {"hostIP"});
            ports.push_back(m);
          }
    auto net = ctx_->network->Add(sandbox_id_, namespace_, name_, ports);
    if (!net.ok()) return net.status();
    pod_ip_ = net->ip;
    spec.netns_path = net->netns_path;
  }
  // /etc/hosts: the kubelet-managed file with the pod's own name and hostAliases (hostNetwork
  // pods see the node's file).
  std::string subdomain = GetString(pod, {"spec", "subdomain"});
  EtcHostsInput hosts;
  hosts.host_network = host_network;
  if (host_network) {
    std::ifstream node_hosts("/etc/hosts");
    hosts.node_hosts.assign(std::istreambuf_iterator<char>(node_hosts), {});
  }
  hosts.pod_ip = pod_ip_;
  hosts.hostname = hostname;
  hosts.fqdn = subdomain.empty() ? "" : hostname + "." + subdomain + "." + namespace_ + ".svc." +
                                            ctx_->cluster_domain;
  hosts.host_aliases = Array(pod, {"spec", "hostAliases"});
  spec.hosts_file = EtcHostsContent(hosts);
  std::string policy = GetString(pod, {"spec", "dnsPolicy"}, "ClusterFirst");
  std::string resolv;
  if (policy == "None") {
    // Everything comes from dnsConfig below.
  } else if ((policy == "ClusterFirst" || policy == "ClusterFirstWithHostNet") &&
             !ctx_->cluster_dns.empty() && (!host_network || policy == "ClusterFirstWithHostNet")) {
    resolv = "search " + namespace_ + ".svc." + ctx_->cluster_domain + " svc." +
             ctx_->cluster_domain + " " + ctx_->cluster_domain + "\nnameserver " +
             ctx_->cluster_dns + "\noptions ndots:5\n";
  }
  if (const auto* dc = GetPath(pod, {"spec", "dnsConfig"}); dc && dc->is_object()) {
    const auto& d = dc->as_object();
    if (const auto* ns = Array(d, {"nameservers"}))
      for (const auto& n : *ns)
        if (n.is_string()) resolv += "nameserver " + std::string(n.as_string()) + "\n";
    if (const auto* ss = Array(d, {"searches"})) {
      resolv += "search";
      for (const auto& s : *ss)
        if (s.is_string()) resolv += " " + std::string(s.as_string());
      resolv += "\n";
    }
    if (const auto* os = Array(d, {"options"})) {
      resolv += "options";
      for (const auto& o : *os) {
        resolv += " " + GetString(o.as_object(), {"name"});
        std::string v = GetString(o.as_object(), {"value"});
        if (!v.empty()) resolv += ":" + v;
      }
      resolv += "\n";
    }
  }
  spec.resolv_conf = resolv;
  BERTH_RETURN_IF_ERROR(ctx_->runtime->CreateSandbox(spec));
  if (!ctx_->fake_runtime) {
    auto vols = PrepareVolumes(pod, ctx_->data_dir + "/pods/" + uid_, MakeVolumeInputs());
    if (!vols.ok()) return vols.status();
    volumes_ = std::move(*vols);
  }
  sandbox_ready_ = true;
  return Status::Ok();
}

StatusOr<image::Image> PodWorker::EnsureImage(const json::object& pod, const json::object& spec,
                                              ContainerRecord& c) {
  std::string ref = GetString(spec, {"image"});
  std::string policy = GetString(spec, {"imagePullPolicy"});
  if (policy.empty()) policy = IsLatestTag(ref) ? "Always" : "IfNotPresent";
  auto local = ctx_->images->Resolve(ref);
  if (local.ok() && policy != "Always") {
    Event("Normal", "Pulled",
          "Container image \"" + ref + "\" already present on machine", c.name);
    return local;
  }
  if (policy == "Never") {
    return Status(Reason::kNotFound, "Container image \"" + ref +
                                         "\" is not present with pull policy of Never");
  }
  image::PullOptions opts;
  opts.insecure_registries = ctx_->insecure_registries;
  // imagePullSecrets: kubernetes.io/dockerconfigjson secrets with basic credentials.
  if (const auto* secrets = Array(pod, {"spec", "imagePullSecrets"})) {
    for (const auto& s : *secrets) {
      auto secret = Lookup("secrets", GetString(s.as_object(), {"name"}));
      if (!secret.ok()) continue;
      std::string data = GetString(secret->as_object(), {"data", ".dockerconfigjson"});
      if (data.empty()) continue;
      std::string decoded = Base64Decode(data);
      auto cfg = ParseJson(decoded);
      if (!cfg.ok() || !cfg->is_object()) continue;
      if (const auto* auths = GetPath(cfg->as_object(), {"auths"}); auths && auths->is_object())
        for (const auto& [host, entry] : auths->as_object()) {
          if (!entry.is_object()) continue;
          image::RegistryAuth a;
          a.username = GetString(entry.as_object(), {"username"});
          a.password = GetString(entry.as_object(), {"password"});
          std::string h(host);
          for (const char* prefix : {"https://", "http://"})
            if (h.rfind(prefix, 0) == 0) h = h.substr(strlen(prefix));
          opts.auth[h.substr(0, h.find('/'))] = a;
        }
    }
  }
  Event("Normal", "Pulling", "Pulling image \"" + ref + "\"", c.name);
  auto start = SteadyClock::now();
  auto pulled = ctx_->images->Pull(ref, opts);
  if (!pulled.ok()) {
    Event("Warning", "Failed",
          "Failed to pull image \"" + ref + "\": " + pulled.status().message(), c.name);
    return pulled.status();
  }
  double secs = std::chrono::duration<double>(SteadyClock::now() - start).count();
  char msg[512];
  snprintf(msg, sizeof msg, "Successfully pulled image \"%s\" in %.3fs. Image size: %lld bytes.",
           ref.c_str(), secs, static_cast<long long>(pulled->size));
  Event("Normal", "Pulled", msg, c.name);
  return pulled;
}

void PodWorker::StartContainer(const json::object& pod, const json::object& spec,
                               ContainerRecord& c) {
  auto now = SteadyClock::now();
  if (now < c.backoff_until) return;
  int attempt = c.attempt + 1;
  c.image_ref = GetString(spec, {"image"});

  image::Image img;
  if (!ctx_->fake_runtime) {
    auto got = EnsureImage(pod, spec, c);
    if (!got.ok()) {
      bool never = got.status().message().find("pull policy of Never") != std::string::npos;
      c.waiting_reason = never ? "ErrImageNeverPull"
                               : (c.waiting_reason == "ErrImagePull" ||
                                  c.waiting_reason == "ImagePullBackOff")
                                     ? "ImagePullBackOff"
                                     : "ErrImagePull";
      c.waiting_message = got.status().message();
      c.backoff = c.backoff.count() == 0 ? ctx_->backoff_initial
                                         : std::min(c.backoff * 2, ctx_->backoff_max);
      c.backoff_until = now + c.backoff;
      if (c.waiting_reason == "ImagePullBackOff")
        Event("Normal", "BackOff", "Back-off pulling image \"" + c.image_ref + "\"", c.name);
      return;
    }
    img = *got;
    c.image_id = img.repo_digest.empty() ? img.id : img.repo_digest;
  } else {
    c.image_id = "fake://" + c.image_ref;
  }

  auto lookup = [this](const std::string& r, const std::string& n) { return Lookup(r, n); };
  // Service links: above the image's env, below the container's own (and $(VAR)-expandable).
  for (const auto& kv : ServiceEnv(pod)) {
    std::string name = kv.substr(0, kv.find('='));
    auto& ienv = img.config.env;
    ienv.erase(std::remove_if(ienv.begin(), ienv.end(),
                              [&](const std::string& e) { return e.substr(0, e.find('=')) == name; }),
               ienv.end());
    ienv.push_back(kv);
  }
  auto env = ResolveEnv(pod, spec, img.config, lookup, pod_ip_, ctx_->node_ip,
                        {ctx_->allocatable_cpu_millis, ctx_->allocatable_memory_bytes});
  auto security = env.ok() ? ResolveSecurity(pod.at("spec").as_object(), spec)
                           : StatusOr<runtime::Security>(env.status());
  // The fake runtime prepares no volumes (and mounts nothing); every pod has at least the
  // service account volume, so its mounts are not resolved there.
  StatusOr<std::vector<runtime::Mount>> mounts =
      !env.ok()           ? StatusOr<std::vector<runtime::Mount>>(env.status())
      : ctx_->fake_runtime ? StatusOr<std::vector<runtime::Mount>>(std::vector<runtime::Mount>{})
                           : ContainerMounts(spec, volumes_, *env);
  Status config_error = !env.ok() ? env.status() : !security.ok() ? security.status()
                                                 : mounts.status();
  if (config_error.ok() && security->run_as_user == std::nullopt) {
    // runAsNonRoot without a uid: the image's user must not be root.
    bool non_root = false;
    for (const json::value* sc : {spec.if_contains("securityContext"),
                                  GetPath(pod, {"spec", "securityContext"})})
      if (sc && sc->is_object())
        if (const auto* v = sc->as_object().if_contains("runAsNonRoot"); v && v->is_bool())
          non_root = non_root || v->as_bool();
    std::string user = img.config.user;
    if (non_root && (user.empty() || user == "0" || user == "root" || user.rfind("0:", 0) == 0))
      config_error = BadRequest("container has runAsNonRoot and image will run as root (pod: \"" +
                                name_ + "_" + namespace_ + "(" + uid_ + ")\", container: " +
                                c.name + ")");
  }
  if (!config_error.ok()) {
    c.waiting_reason = "CreateContainerConfigError";
    c.waiting_message = config_error.message();
    Event("Warning", "Failed", "Error: " + config_error.message(), c.name);
    c.backoff_until = now + Ms(2000);
    return;
  }

  runtime::ContainerSpec rs;
  rs.id = ContainerId(uid_, c.name, attempt);
  rs.sandbox_id = sandbox_id_;
  rs.name = c.name;
  rs.labels = {{kLabelPodUid, uid_},       {kLabelPodName, name_},
               {kLabelPodNamespace, namespace_}, {kLabelContainerName, c.name},
               {kLabelAttempt, std::to_string(attempt)}, {kLabelInit, c.init ? "true" : "false"},
               {kLabelImageID, c.image_id}};
  if (const auto* ann = GetPath(pod, {"metadata", "annotations"}); ann && ann->is_object())
    for (const auto& [k, v] : ann->as_object())
      if (v.is_string()) rs.annotations[std::string(k)] = std::string(v.as_string());
  rs.rootfs_layers = img.layer_dirs;
  rs.env = *env;
  rs.args = ResolveArgs(spec, img.config, *env);
  rs.working_dir = GetString(spec, {"workingDir"});
  if (rs.working_dir.empty()) rs.working_dir = img.config.working_dir;
  rs.image_user = img.config.user;
  rs.resources = ResolveResources(spec);
  rs.security = *security;
  rs.mounts = *mounts;
  // terminationMessagePath: a writable file the container may fill; read back on exit.
  std::string term_path = GetString(spec, {"terminationMessagePath"}, "/dev/termination-log");
  if (!ctx_->fake_runtime && !term_path.empty()) {
    std::string host = ctx_->data_dir + "/pods/" + uid_ + "/termination/" + c.name;
    fs::create_directories(fs::path(host).parent_path());
    FILE* f = fopen(host.c_str(), "w");
    if (f) fclose(f);
    chmod(host.c_str(), 0666);  // any container user may write its message
    rs.mounts.push_back({term_path, host, "bind", false});
  }
  rs.log_path = ContainerLogPath(ctx_->data_dir, namespace_, name_, uid_, c.name, attempt);
  if (const auto* tty = spec.if_contains("tty"); tty && tty->is_bool()) rs.tty = tty->as_bool();
  if (const auto* si = spec.if_contains("stdin"); si && si->is_bool()) rs.stdin_open = si->as_bool();
  if (rs.args.empty() && ctx_->fake_runtime) rs.args = {"fake"};
  if (rs.args.empty()) {
    c.waiting_reason = "CreateContainerError";
    c.waiting_message = "no command specified";
    c.backoff_until = now + Ms(2000);
    return;
  }
  fs::create_directories(fs::path(rs.log_path).parent_path());

  Status s = ctx_->runtime->CreateContainer(rs);
  if (!s.ok()) {
    c.waiting_reason = "CreateContainerError";
    c.waiting_message = s.message();
    Event("Warning", "Failed", "Error: " + s.message(), c.name);
    c.backoff_until = now + Ms(2000);
    return;
  }
  // Keep only the previous attempt (for `logs --previous` and lastState); older ones go.
  if (c.previous && !c.previous->id.empty()) (void)ctx_->runtime->RemoveContainer(c.previous->id);
  if (c.current) c.previous = c.current;
  c.attempt = attempt;
  c.id = rs.id;
  c.current.reset();
  c.restart_armed = false;
  c.started = false;
  c.ready = false;
  c.post_start_done = false;
  c.startup = c.liveness = c.readiness = ProbeState{};
  Event("Normal", "Created", "Created container " + c.name, c.name);
  s = ctx_->runtime->StartContainer(rs.id);
  auto st = ctx_->runtime->Inspect(rs.id);
  if (st.ok()) c.current = *st;
  if (!s.ok()) {
    c.waiting_reason = "RunContainerError";
    c.waiting_message = s.message();
    Event("Warning", "Failed", "Error: " + s.message(), c.name);
    return;
  }
  c.waiting_reason.clear();
  c.waiting_message.clear();
  Event("Normal", "Started", "Started container " + c.name, c.name);
  // postStart: runs right after start; a failure kills the container.
  if (const auto* ps = GetPath(spec, {"lifecycle", "postStart"}); ps && ps->is_object()) {
    json::object hook = ps->as_object();
    hook["timeoutSeconds"] = 120;  // hooks have no timeout of their own (a probe's is 1 s)
    auto r = RunProbe(ctx_->runtime, c.id, hook, spec, pod_ip_);
    if (!r.success) {
      Event("Warning", "FailedPostStartHook", r.message, c.name);
      (void)ctx_->runtime->StopContainer(c.id, Ms(0));
    }
  }
  c.post_start_done = true;
}

void PodWorker::StartEphemeralContainers(const json::object& pod, const json::object& spec,
                                         SteadyClock::time_point* wake) {
  // Ephemeral containers start once (never restarted) in the running pod, once it is initialized.
  const auto* ecs = Array(spec, {"ephemeralContainers"});
  if (!ecs) return;
  for (const auto& s : *ecs) {
    const auto& ecspec = s.as_object();
    std::string name = GetString(ecspec, {"name"});
    auto& c = containers_[name];
    c.name = name;
    c.ephemeral = true;
    if (c.attempt >= 0) continue;
    StartContainer(pod, ecspec, c);
    if (!c.waiting_reason.empty())
      *wake = std::min(*wake, std::max(c.backoff_until, SteadyClock::now() + Ms(500)));
  }
}

void PodWorker::RunProbes(const json::object& pod, const json::object& spec, ContainerRecord& c,
                          SteadyClock::time_point* wake) {
  if (!c.current || c.current->state != runtime::ContainerState::kRunning) {
    c.ready = false;
    return;
  }
  auto now = SteadyClock::now();
  auto started_steady = now - (ctx_->clock->Now() - c.current->started_at);
  auto run = [&](const char* kind, ProbeState& st, bool* failed) -> bool {
    const json::value* pv = spec.if_contains(kind);
    if (!pv || !pv->is_object()) return true;
    const auto& probe = pv->as_object();
    auto initial = std::chrono::seconds(GetInt(probe, {"initialDelaySeconds"}));
    auto period = std::chrono::seconds(std::max<int64_t>(1, GetInt(probe, {"periodSeconds"}, 10)));
    int success_threshold = static_cast<int>(std::max<int64_t>(1, GetInt(probe, {"successThreshold"}, 1)));
    int failure_threshold = static_cast<int>(std::max<int64_t>(1, GetInt(probe, {"failureThreshold"}, 3)));
    if (st.next == SteadyClock::time_point{}) st.next = started_steady + initial;
    if (now >= st.next) {
      auto r = RunProbe(ctx_->runtime, c.id, probe, spec, pod_ip_);
      st.next = SteadyClock::now() + period;
      if (r.success) {
        st.failures = 0;
        if (++st.successes >= success_threshold) st.passed = true;
      } else {
        st.successes = 0;
        st.failures++;
        std::string k = std::string(kind) == "livenessProbe" ? "Liveness"
                        : std::string(kind) == "readinessProbe" ? "Readiness" : "Startup";
        Event("Warning", "Unhealthy", k + " probe failed: " + r.message, c.name);
        if (st.failures >= failure_threshold) {
          st.passed = false;
          if (failed) *failed = true;
        }
      }
    }
    *wake = std::min(*wake, st.next);
    return st.passed;
  };
  bool startup_failed = false, liveness_failed = false;
  if (!c.started) {
    c.started = run("startupProbe", c.startup, &startup_failed);
    if (startup_failed) {
      KillContainer(pod, &spec, c, Ms(1000 * GetInt(pod, {"spec", "terminationGracePeriodSeconds"}, 30)),
                    "Container " + c.name + " failed startup probe, will be restarted");
      return;
    }
  }
  if (!c.started) {
    c.ready = false;
    return;
  }
  run("livenessProbe", c.liveness, &liveness_failed);
  if (liveness_failed) {
    KillContainer(pod, &spec, c, Ms(1000 * GetInt(pod, {"spec", "terminationGracePeriodSeconds"}, 30)),
                  "Container " + c.name + " failed liveness probe, will be restarted");
    c.liveness = ProbeState{};
    return;
  }
  bool ready_before = c.ready;
  c.ready = run("readinessProbe", c.readiness, nullptr);
  (void)ready_before;
}

void PodWorker::KillContainer(const json::object& pod, const json::object* spec,
                              ContainerRecord& c, Ms grace, const std::string& reason) {
  if (!c.current || c.current->state != runtime::ContainerState::kRunning) return;
  Event("Normal", "Killing", reason.empty() ? "Stopping container " + c.name : reason, c.name);
  auto deadline = SteadyClock::now() + grace;
  if (spec) {
    if (const auto* ps = GetPath(*spec, {"lifecycle", "preStop"}); ps && ps->is_object()) {
      json::object hook = ps->as_object();
      // preStop may use the whole grace period.
      hook["timeoutSeconds"] = std::max<int64_t>(
          1, std::chrono::duration_cast<std::chrono::seconds>(grace).count());
      auto r = RunProbe(ctx_->runtime, c.id, hook, *spec, pod_ip_);
      if (!r.success) Event("Warning", "FailedPreStopHook", r.message, c.name);
    }
  }
  auto left = std::chrono::duration_cast<Ms>(deadline - SteadyClock::now());
  (void)ctx_->runtime->StopContainer(c.id, std::max(left, Ms(0)));
  auto st = ctx_->runtime->Inspect(c.id);
  if (st.ok()) c.current = *st;
  c.ready = false;
}

void PodWorker::Terminate(const json::object& pod, Ms grace) {
  std::vector<std::thread> stoppers;
  for (auto& [name, c] : containers_) {
    const json::object* spec = nullptr;
    for (const char* list : {"containers", "initContainers"})
      if (const auto* cs = Array(pod, {"spec", list}))
        for (const auto& s : *cs)
          if (GetString(s.as_object(), {"name"}) == name) spec = &s.as_object();
    ContainerRecord* rec = &c;
    stoppers.emplace_back([this, &pod, spec, rec, grace] { KillContainer(pod, spec, *rec, grace, ""); });
  }
  for (auto& t : stoppers) t.join();
}

std::chrono::steady_clock::time_point PodWorker::Sync(const json::object& pod, bool deleted) {
  auto now = SteadyClock::now();
  auto wake = now + Ms(60000);
  RefreshRuntime();
  const json::object& spec = pod.contains("spec") && pod.at("spec").is_object()
                                 ? pod.at("spec").as_object() : json::object();
  bool terminating = deleted || !GetString(pod, {"metadata", "deletionTimestamp"}).empty();

  if (terminating) {
    int64_t grace_s = GetInt(pod, {"metadata", "deletionGracePeriodSeconds"},
                             GetInt(spec, {"terminationGracePeriodSeconds"}, 30));
    if (deleted) grace_s = 0;
    Terminate(pod, Ms(grace_s * 1000));
    // A worker that ran the pod reports how it ended before the containers go (a fresh worker,
    // e.g. for a pod kept by a finalizer after its worker finished, has nothing to say and must
    // not overwrite the final status).
    if (!containers_.empty() && !stopped_for_deletion_) {
      RefreshRuntime();
      stopped_for_deletion_ = true;
      if (!deleted) PublishStatus(pod);
    }
    Status s = ctx_->runtime->RemoveSandbox(sandbox_id_);
    if (s.ok() && ctx_->network && !GetPath(spec, {"hostNetwork"})) s = ctx_->network->Remove(sandbox_id_);
    if (!s.ok()) {
      fprintf(stderr, "agent: cleaning up pod %s/%s: %s\n", namespace_.c_str(), name_.c_str(),
              s.ToString().c_str());
      return now + Ms(2000);
    }
    for (auto& [n, c] : containers_) (void)ctx_->runtime->RemoveContainer(c.id);
    std::error_code ec;
    UnmountVolumes(ctx_->data_dir + "/pods/" + uid_);
    fs::remove_all(ctx_->data_dir + "/pods/" + uid_, ec);
    fs::remove_all(ctx_->data_dir + "/logs/" + namespace_ + "_" + name_ + "_" + uid_, ec);
    if (!deleted) {
      // Containers are gone: finish the graceful deletion.
      json::object opts{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"gracePeriodSeconds", 0},
                        {"preconditions", json::object{{"uid", uid_}}}};
      Status d = ctx_->api->Delete("/api/v1/namespaces/" + namespace_ + "/pods/" + name_, opts);
      if (!d.ok() && d.reason() != Reason::kNotFound && d.reason() != Reason::kConflict) {
        return now + Ms(1000);
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    return now;
  }

  if (start_time_.empty()) start_time_ = GetString(pod, {"status", "startTime"});
  if (start_time_.empty()) start_time_ = Rfc(ctx_->clock->Now());
  std::string restart_policy = GetString(spec, {"restartPolicy"}, "Always");

  // activeDeadlineSeconds: the pod fails once it has been active that long.
  if (const auto* ads = spec.if_contains("activeDeadlineSeconds"); ads && ads->is_int64() && !terminated_) {
    Clock::time_point started;
    if (ParseRfc3339(start_time_, &started)) {
      auto deadline = started + std::chrono::seconds(ads->as_int64());
      if (ctx_->clock->Now() >= deadline) {
        terminal_reason_ = "DeadlineExceeded";
        terminal_message_ = "Pod was active on the node longer than the specified deadline";
        Event("Normal", "DeadlineExceeded", terminal_message_);
        Terminate(pod, Ms(1000 * GetInt(spec, {"terminationGracePeriodSeconds"}, 30)));
        terminated_ = true;
      } else {
        wake = std::min(wake, now + std::chrono::duration_cast<SteadyClock::duration>(
                                        deadline - ctx_->clock->Now()));
      }
    }
  }

  if (terminated_) {
    PublishStatus(pod);
    return wake;
  }

  Status sandbox = EnsureSandbox(pod);
  if (!sandbox.ok()) {
    bool config = sandbox.reason() == Reason::kNotFound || sandbox.reason() == Reason::kBadRequest;
    for (const char* list : {"initContainers", "containers"})
      if (const auto* cs = Array(spec, {list}))
        for (const auto& s : *cs) {
          auto& c = containers_[GetString(s.as_object(), {"name"})];
          c.name = GetString(s.as_object(), {"name"});
          c.init = std::string(list) == "initContainers";
          c.waiting_reason = config ? "CreateContainerConfigError" : "ContainerCreating";
          c.waiting_message = config ? sandbox.message() : "";
        }
    Event("Warning", config ? "FailedMount" : "FailedCreatePodSandBox",
          (config ? "MountVolume.SetUp failed: " : "Failed to create pod sandbox: ") + sandbox.message());
    PublishStatus(pod);
    return now + Ms(config ? 5000 : 2000);
  }
  RefreshVolumesIfDue(pod, &wake);

  // Restart back-off as the kubelet does it: the first restart is immediate, then 10 s, 20 s,
  // 40 s ... capped at 5 min; a container that ran 10 minutes without trouble starts over.
  // Returns true when the container may be started now.
  auto ready_to_restart = [&](ContainerRecord& c) -> bool {
    if (!c.restart_armed) {
      c.restart_armed = true;
      if (c.current && c.current->finished_at - c.current->started_at > std::chrono::minutes(10))
        c.crashes = 0;
      c.crashes++;
      if (c.crashes == 1) {
        c.backoff = Ms(0);
      } else {
        c.backoff = c.crashes == 2 ? ctx_->backoff_initial
                                   : std::min(c.backoff * 2, ctx_->backoff_max);
      }
      c.backoff_until = SteadyClock::now() + c.backoff;
      if (c.backoff.count() > 0) {
        c.waiting_reason = "CrashLoopBackOff";
        c.waiting_message = "back-off " + std::to_string(c.backoff.count() / 1000) +
                            "s restarting failed container=" + c.name + " pod=" + name_ + "_" +
                            namespace_ + "(" + uid_ + ")";
        Event("Warning", "BackOff", "Back-off restarting failed container " + c.name +
              " in pod " + name_ + "_" + namespace_ + "(" + uid_ + ")", c.name);
      }
    }
    if (SteadyClock::now() < c.backoff_until) {
      wake = std::min(wake, c.backoff_until);
      return false;
    }
    return true;
  };
  bool exited = false;
  auto is_exited = [](const ContainerRecord& c) {
    return c.current && c.current->state == runtime::ContainerState::kExited;
  };
  auto is_running = [](const ContainerRecord& c) {
    return c.current && (c.current->state == runtime::ContainerState::kRunning ||
                         c.current->state == runtime::ContainerState::kCreated);
  };

  // Init containers, in order.
  bool initialized = true;
  if (const auto* inits = Array(spec, {"initContainers"})) {
    for (const auto& s : *inits) {
      const auto& cs = s.as_object();
      std::string name = GetString(cs, {"name"});
      auto& c = containers_[name];
      c.name = name;
      c.init = true;
      if (is_exited(c) && c.current->exit_code == 0) continue;
      initialized = false;
      if (is_running(c)) break;
      if (is_exited(c)) {
        if (restart_policy == "Never") {
          terminal_reason_ = "";
          exited = true;
          break;
        }
        if (!ready_to_restart(c)) break;
      }
      StartContainer(pod, cs, c);
      if (!c.waiting_reason.empty()) wake = std::min(wake, std::max(c.backoff_until, now + Ms(500)));
      break;
    }
  }
  (void)exited;

  if (initialized) {
    if (const auto* cs = Array(spec, {"containers"})) {
      for (const auto& s : *cs) {
        const auto& cspec = s.as_object();
        std::string name = GetString(cspec, {"name"});
        auto& c = containers_[name];
        c.name = name;
        if (is_running(c)) {
          RunProbes(pod, cspec, c, &wake);
          if (!is_exited(c)) continue;
        }
        if (is_exited(c)) {
          bool restart = restart_policy == "Always" ||
                         (restart_policy == "OnFailure" && c.current->exit_code != 0);
          c.ready = false;
          if (!restart) continue;
          if (!ready_to_restart(c)) continue;
        }
        StartContainer(pod, cspec, c);
        if (!c.waiting_reason.empty()) {
          wake = std::min(wake, std::max(c.backoff_until, now + Ms(500)));
        } else {
          RunProbes(pod, cspec, c, &wake);
        }
      }
    }
    StartEphemeralContainers(pod, spec, &wake);
  }
  PublishStatus(pod);
  return wake;
}

json::object PodWorker::BuildStatus(const json::object& pod) {
  const json::object& spec = pod.at("spec").as_object();
  std::string now = Rfc(ctx_->clock->Now());
  std::string restart_policy = GetString(spec, {"restartPolicy"}, "Always");
  auto container_status = [&](const json::object& cs, bool init) {
    std::string name = GetString(cs, {"name"});
    auto it = containers_.find(name);
    json::object out{{"name", name}, {"image", GetString(cs, {"image"})}, {"imageID", ""},
                     {"ready", false}, {"restartCount", 0}, {"started", false}};
    json::object state;
    if (it == containers_.end() || !it->second.current) {
      std::string reason = it == containers_.end() || it->second.waiting_reason.empty()
                               ? (init ? "PodInitializing" : "ContainerCreating")
                               : it->second.waiting_reason;
      if (!init && reason == "ContainerCreating" && GetPath(spec, {"initContainers"}) &&
          !containers_.empty()) reason = "PodInitializing";
      json::object w{{"reason", reason}};
      if (it != containers_.end() && !it->second.waiting_message.empty())
        w["message"] = it->second.waiting_message;
      state["waiting"] = w;
      if (it != containers_.end()) {
        out["restartCount"] = std::max(0, it->second.attempt);
        if (it->second.previous) out["lastState"] = json::object{{"terminated", TerminatedState(*it->second.previous)}};
        if (!it->second.image_id.empty()) out["imageID"] = it->second.image_id;
      }
      out["state"] = state;
      if (out["lastState"].is_null()) out["lastState"] = json::object();
      return out;
    }
    const auto& c = it->second;
    const auto& rt = *c.current;
    out["restartCount"] = c.attempt;
    out["imageID"] = c.image_id;
    out["containerID"] = "berth://" + c.id;
    if (rt.state == runtime::ContainerState::kRunning) {
      state["running"] = json::object{{"startedAt", Rfc(rt.started_at)}};
      out["started"] = c.started;
      out["ready"] = c.ready;
    } else if (rt.state == runtime::ContainerState::kExited) {
      json::object t = TerminatedState(rt);
      // terminationMessagePath: what the container wrote, else (FallbackToLogsOnError) the log tail.
      std::string msg_file = ctx_->data_dir + "/pods/" + uid_ + "/termination/" + name;
      if (FILE* f = fopen(msg_file.c_str(), "r")) {
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        if (n > 0) t["message"] = std::string(buf, n);
      }
      if (!t.contains("message") && rt.exit_code != 0 &&
          GetString(cs, {"terminationMessagePolicy"}) == "FallbackToLogsOnError") {
        // The log's last 80 lines (at most 2 KiB), decoded from the CRI format.
        std::string tail;
        LogOptions opts;
        opts.tail_lines = 80;
        (void)ReadContainerLog(rt.log_path, opts, [&](const std::string& d) { tail += d; return true; },
                               [] { return false; }, nullptr);
        if (tail.size() > 2048) tail = tail.substr(tail.size() - 2048);
        if (!tail.empty()) t["message"] = tail;
      }
      if (!c.waiting_reason.empty() && c.waiting_reason == "CrashLoopBackOff" &&
          SteadyClock::now() < c.backoff_until) {
        state["waiting"] = json::object{{"reason", c.waiting_reason}, {"message", c.waiting_message}};
        out["lastState"] = json::object{{"terminated", t}};
      } else {
        state["terminated"] = t;
      }
    } else {
      state["waiting"] = json::object{{"reason", "ContainerCreating"}};
    }
    if (!out.contains("lastState")) {
      out["lastState"] = c.previous ? json::object{{"terminated", TerminatedState(*c.previous)}}
                                    : json::object();
    }
    out["state"] = state;
    return out;
  };

  json::array init_statuses, statuses;
  bool initialized = true;
  std::vector<std::string> incomplete_init;
  if (const auto* inits = Array(spec, {"initContainers"}))
    for (const auto& s : *inits) {
      auto st = container_status(s.as_object(), true);
      const auto* term = GetPath(st, {"state", "terminated"});
      if (!term || GetInt(term->as_object(), {"exitCode"}, 1) != 0) {
        initialized = false;
        incomplete_init.push_back(GetString(s.as_object(), {"name"}));
      }
      init_statuses.push_back(st);
    }
  int running = 0, waiting = 0, stopped = 0, succeeded = 0, failed = 0;
  std::vector<std::string> unready;
  if (const auto* cs = Array(spec, {"containers"}))
    for (const auto& s : *cs) {
      auto st = container_status(s.as_object(), false);
      const auto& state = st["state"].as_object();
      if (state.contains("running")) running++;
      else if (const auto* t = state.if_contains("terminated")) {
        stopped++;
        (GetInt(t->as_object(), {"exitCode"}) == 0 ? succeeded : failed)++;
      } else if (GetPath(st, {"lastState", "terminated"})) {
        stopped++;
      } else {
        waiting++;
      }
      if (!st["ready"].as_bool()) unready.push_back(GetString(s.as_object(), {"name"}));
      statuses.push_back(st);
    }
  // Phase, as the kubelet computes it.
  std::string phase = "Pending";
  bool init_failed_never = false;
  for (const auto& st : init_statuses) {
    const auto* t = GetPath(st, {"state", "terminated"});
    if (t && GetInt(t->as_object(), {"exitCode"}) != 0 && restart_policy == "Never")
      init_failed_never = true;
  }
  if (init_failed_never) phase = "Failed";
  else if (!initialized) phase = "Pending";
  else if (waiting > 0) phase = "Pending";
  else if (running > 0) phase = "Running";
  else if (stopped > 0) {
    if (restart_policy == "Always") phase = "Running";
    else if (restart_policy == "OnFailure") phase = failed == 0 && stopped == succeeded ? "Succeeded" : "Running";
    else phase = failed == 0 ? "Succeeded" : "Failed";
  }
  if (terminated_) phase = "Failed";
  if (stopped_for_deletion_) {
    phase = failed == 0 && running == 0 && waiting == 0 && stopped > 0 ? "Succeeded" : "Failed";
  }

  auto cond = [&](const std::string& type, bool ok, const std::string& reason,
                  const std::string& message) {
    json::object c{{"type", type}, {"status", ok ? "True" : "False"}, {"lastProbeTime", nullptr},
                   {"lastTransitionTime", now}};
    if (!reason.empty()) c["reason"] = reason;
    if (!message.empty()) c["message"] = message;
    // Keep the transition time when the status did not change.
    if (const auto* old = GetPath(pod, {"status", "conditions"}); old && old->is_array())
      for (const auto& o : old->as_array())
        if (o.is_object() && GetString(o.as_object(), {"type"}) == type &&
            GetString(o.as_object(), {"status"}) == (ok ? "True" : "False"))
          c["lastTransitionTime"] = GetString(o.as_object(), {"lastTransitionTime"});
    return c;
  };
  auto join = [](const std::vector<std::string>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + v[i];
    return s + "]";
  };
  bool completed = phase == "Succeeded" || phase == "Failed";
  bool ready = initialized && unready.empty() && !completed;
  std::string ready_reason = completed ? "PodCompleted" : ready ? "" : "ContainersNotReady";
  std::string ready_msg = completed || ready ? "" : "containers with unready status: " + join(unready);
  json::array conditions{
      cond("PodReadyToStartContainers", sandbox_ready_ && !completed, "", ""),
      cond("Initialized", initialized, completed && initialized ? "PodCompleted" : initialized ? "" : "ContainersNotInitialized",
           initialized ? "" : "containers with incomplete status: " + join(incomplete_init)),
      cond("Ready", ready, ready_reason, ready_msg),
      cond("ContainersReady", ready, ready_reason, ready_msg),
      cond("PodScheduled", true, "", "")};
  // Conditions the node does not own (DisruptionTarget from an eviction, readiness gates, a
  // user's own) are kept: the status patch replaces the whole list.
  if (const auto* old = GetPath(pod, {"status", "conditions"}); old && old->is_array()) {
    for (const auto& o : old->as_array()) {
      if (!o.is_object()) continue;
      std::string type = GetString(o.as_object(), {"type"});
      bool owned = false;
      for (const auto& c : conditions) owned = owned || GetString(c.as_object(), {"type"}) == type;
      if (!owned) conditions.push_back(o);
    }
  }
  // QoS class from requests/limits.
  std::string qos = "BestEffort";
  bool any = false, guaranteed = true;
  if (const auto* cs = Array(spec, {"containers"}))
    for (const auto& s : *cs) {
      const auto* req = GetPath(s.as_object(), {"resources", "requests"});
      const auto* lim = GetPath(s.as_object(), {"resources", "limits"});
      bool has_req = req && req->is_object() && !req->as_object().empty();
      bool has_lim = lim && lim->is_object() && !lim->as_object().empty();
      any = any || has_req || has_lim;
      if (!has_lim || GetString(lim->as_object(), {"cpu"}).empty() ||
          GetString(lim->as_object(), {"memory"}).empty()) guaranteed = false;
      else if (has_req)
        for (const char* r : {"cpu", "memory"}) {
          std::string rq = GetString(req->as_object(), {r});
          if (!rq.empty() && rq != GetString(lim->as_object(), {r})) guaranteed = false;
        }
    }
  if (any) qos = guaranteed ? "Guaranteed" : "Burstable";

  json::object status{{"phase", phase},
                      {"conditions", conditions},
                      {"hostIP", ctx_->node_ip},
                      {"hostIPs", json::array{json::object{{"ip", ctx_->node_ip}}}},
                      {"startTime", start_time_},
                      {"containerStatuses", statuses},
                      {"qosClass", qos}};
  if (!pod_ip_.empty()) {
    status["podIP"] = pod_ip_;
    status["podIPs"] = json::array{json::object{{"ip", pod_ip_}}};
  }
  if (!init_statuses.empty()) status["initContainerStatuses"] = init_statuses;
  if (const auto* ecs = Array(spec, {"ephemeralContainers"})) {
    json::array ephemeral_statuses;
    for (const auto& s : *ecs) ephemeral_statuses.push_back(container_status(s.as_object(), false));
    status["ephemeralContainerStatuses"] = std::move(ephemeral_statuses);
  }
  if (!terminal_reason_.empty()) {
    status["reason"] = terminal_reason_;
    status["message"] = terminal_message_;
  }
  return status;
}

void PodWorker::PublishStatus(const json::object& pod) {
  if (!pod.contains("spec")) return;
  json::object status = BuildStatus(pod);
  std::string text = json::serialize(status);
  if (text == last_status_) return;
  json::object patch{{"status", status}};
  auto r = ctx_->api->Patch("/api/v1/namespaces/" + namespace_ + "/pods/" + name_ + "/status", patch);
  if (r.ok()) last_status_ = text;
}

}  // namespace berth::agent

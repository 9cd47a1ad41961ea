#include "runtime/oci_config.h"

#include <algorithm>
#include <set>

#include "runtime/user_lookup.h"

namespace berth::runtime {
namespace {

std::string CapName(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (name != "ALL" && name.rfind("CAP_", 0) != 0) name = "CAP_" + name;
  return name;
}

json::array ToArray(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object MountEntry(const std::string& dest, const std::string& type,
                        const std::string& source, std::vector<std::string> options) {
  return json::object{{"destination", dest},
                      {"type", type},
                      {"source", source},
                      {"options", ToArray(options)}};
}

bool HasEnv(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& e : env)
    if (e.rfind(key + "=", 0) == 0) return true;
  return false;
}

}  // namespace

const std::vector<std::string>& DefaultCapabilities() {
  static const std::vector<std::string> kCaps = {
      "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
      "CAP_MKNOD",  "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
      "CAP_SETFCAP", "CAP_SETPCAP",     "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
      "CAP_KILL",   "CAP_AUDIT_WRITE"};
  return kCaps;
}

const std::vector<std::string>& AllCapabilities() {
  static const std::vector<std::string> kCaps = {
      "CAP_CHOWN",           "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
      "CAP_FSETID",          "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
      "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
      "CAP_NET_ADMIN",       "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
      "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
      "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
      "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
      "CAP_LEASE",           "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
      "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
      "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
      "CAP_CHECKPOINT_RESTORE"};
  return kCaps;
}

std::vector<std::string> EffectiveCapabilities(const Security& security) {
  if (security.privileged) return AllCapabilities();
  std::set<std::string> drop;
  bool drop_all = false;
  for (const auto& d : security.drop_capabilities) {
    std::string n = CapName(d);
    if (n == "ALL") drop_all = true;
    drop.insert(n);
  }
  std::vector<std::string> caps;
  if (!drop_all)
    for (const auto& c : DefaultCapabilities())
      if (!drop.count(c)) caps.push_back(c);
  for (const auto& a : security.add_capabilities) {
    std::string n = CapName(a);
    std::vector<std::string> add = n == "ALL" ? AllCapabilities() : std::vector<std::string>{n};
    for (const auto& c : add)
      if (std::find(caps.begin(), caps.end(), c) == caps.end()) caps.push_back(c);
  }
  return caps;
}

json::object DefaultSeccompProfile() {
  static const std::vector<std::string> kDenied = {
      "kexec_load",  "kexec_file_load", "init_module", "finit_module", "delete_module",
      "open_by_handle_at", "bpf",       "perf_event_open", "add_key",  "request_key",
      "keyctl",      "swapon",          "swapoff",     "acct",         "userfaultfd",
      "reboot"};
  json::object rule{{"names", ToArray(kDenied)}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 1}};
  return json::object{
      {"defaultAction", "SCMP_ACT_ALLOW"},
      {"architectures", json::array{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
                                    "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}},
      {"syscalls", json::array{rule}}};
}

StatusOr<json::object> RenderOciConfig(const ContainerSpec& spec, const OciContext& ctx) {
  const Security& sec = spec.security;
  // User: the security context wins; otherwise the image's USER, resolved inside the rootfs.
  ResolvedUser user;
  if (sec.run_as_user) {
    user.uid = *sec.run_as_user;
    user.gid = sec.run_as_group ? *sec.run_as_group : PrimaryGroupOf(user.uid, spec.rootfs_layers);
  } else {
    auto r = ResolveImageUser(spec.image_user, spec.rootfs_layers);
    if (!r.ok()) return r.status();
    user = *r;
    if (sec.run_as_group) user.gid = *sec.run_as_group;
  }
  json::object user_obj{{"uid", user.uid}, {"gid", user.gid}};
  if (!sec.supplemental_groups.empty()) {
    json::array groups;
    for (int64_t g : sec.supplemental_groups) groups.emplace_back(g);
    user_obj["additionalGids"] = std::move(groups);
  }

  std::vector<std::string> env = spec.env;
  if (!HasEnv(env, "PATH"))
    env.insert(env.begin(), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (!HasEnv(env, "HOSTNAME") && !ctx.hostname.empty()) env.push_back("HOSTNAME=" + ctx.hostname);

  json::array caps = ToArray(EffectiveCapabilities(sec));
  json::object process{
      {"terminal", false},  // the shim holds plain pipes; spec.tty is not supported yet
      {"user", std::move(user_obj)},
      {"args", ToArray(spec.args)},
      {"env", ToArray(env)},
      {"cwd", spec.working_dir.empty() ? "/" : spec.working_dir},
      {"capabilities", json::object{{"bounding", caps},
                                    {"effective", caps},
                                    {"permitted", caps}}},
      {"noNewPrivileges", sec.no_new_privileges},
  };  // rlimits: inherited from the shim (the node's limits)

  json::array mounts;
  mounts.emplace_back(MountEntry("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}));
  mounts.emplace_back(MountEntry("/dev", "tmpfs", "tmpfs",
                                 {"nosuid", "strictatime", "mode=755", "size=65536k"}));
  mounts.emplace_back(MountEntry("/dev/pts", "devpts", "devpts",
                                 {"nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                  "mode=0620", "gid=5"}));
  mounts.emplace_back(MountEntry("/dev/shm", "tmpfs", "shm",
                                 {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
  mounts.emplace_back(MountEntry("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
  std::string sys_mode = sec.privileged ? "rw" : "ro";
  if (ctx.netns_path.empty()) {
    // Without a network namespace of its own the container may not mount a fresh sysfs.
    mounts.emplace_back(MountEntry("/sys", "bind", "/sys", {"rbind", "nosuid", "noexec", "nodev",
                                                             sys_mode}));
  } else {
    mounts.emplace_back(MountEntry("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev",
                                                               sys_mode}));
    mounts.emplace_back(MountEntry("/sys/fs/cgroup", "cgroup", "cgroup",
                                   {"nosuid", "noexec", "nodev", "relatime", sys_mode}));
  }
  std::set<std::string> user_destinations;
  for (const auto& m : spec.mounts) user_destinations.insert(m.destination);
  auto etc_bind = [&](const std::string& dest, const std::string& src) {
    if (src.empty() || user_destinations.count(dest)) return;
    std::vector<std::string> opts = {"rbind", "rprivate"};
    if (sec.read_only_rootfs) opts.push_back("ro");
    mounts.emplace_back(MountEntry(dest, "bind", src, opts));
  };
  etc_bind("/etc/hosts", ctx.hosts_file);
  etc_bind("/etc/resolv.conf", ctx.resolv_conf_file);
  etc_bind("/etc/hostname", ctx.hostname_file);
  for (const auto& m : spec.mounts) {
    if (m.type == "tmpfs") {
      std::vector<std::string> opts = {"nosuid", "nodev", "mode=1777"};
      if (m.read_only) opts.push_back("ro");
      mounts.emplace_back(MountEntry(m.destination, "tmpfs", "tmpfs", opts));
    } else {
      std::vector<std::string> opts = {"rbind", "rprivate"};
      if (m.read_only) opts.push_back("ro");
      mounts.emplace_back(MountEntry(m.destination, "bind", m.source, opts));
    }
  }

  json::array namespaces{json::object{{"type", "pid"}}, json::object{{"type", "mount"}}};
  if (!ctx.netns_path.empty())
    namespaces.emplace_back(json::object{{"type", "network"}, {"path", ctx.netns_path}});
  if (!ctx.ipc_ns_path.empty())
    namespaces.emplace_back(json::object{{"type", "ipc"}, {"path", ctx.ipc_ns_path}});
  if (!ctx.uts_ns_path.empty())
    namespaces.emplace_back(json::object{{"type", "uts"}, {"path", ctx.uts_ns_path}});

  json::object resources;
  resources["devices"] =
      json::array{json::object{{"allow", sec.privileged}, {"access", "rwm"}}};
  json::object cpu;
  if (spec.resources.cpu_shares > 0) cpu["shares"] = spec.resources.cpu_shares;
  if (spec.resources.cpu_quota_us > 0) {
    cpu["quota"] = spec.resources.cpu_quota_us;
    cpu["period"] = spec.resources.cpu_period_us > 0 ? spec.resources.cpu_period_us : 100000;
  }
  if (!cpu.empty()) resources["cpu"] = std::move(cpu);
  if (spec.resources.memory_limit_bytes > 0)
    resources["memory"] = json::object{{"limit", spec.resources.memory_limit_bytes},
                                       {"swap", spec.resources.memory_limit_bytes}};

  json::object linux{{"namespaces", std::move(namespaces)},
                     {"cgroupsPath", ctx.cgroups_path},
                     {"resources", std::move(resources)}};
  if (!sec.sysctls.empty()) {
    json::object sysctl;
    for (const auto& [k, v] : sec.sysctls) sysctl[k] = v;
    linux["sysctl"] = std::move(sysctl);
  }
  if (!sec.privileged) {
    linux["maskedPaths"] = ToArray({"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                    "/proc/latency_stats", "/proc/timer_list",
                                    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                                    "/proc/scsi"});
    linux["readonlyPaths"] = ToArray({"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                      "/proc/sysrq-trigger"});
    if (sec.seccomp_default) linux["seccomp"] = DefaultSeccompProfile();
  }

  json::object config{{"ociVersion", "1.0.2"},
                      {"process", std::move(process)},
                      {"root", json::object{{"path", ctx.rootfs},
                                            {"readonly", sec.read_only_rootfs}}},
                      {"mounts", std::move(mounts)},
                      {"linux", std::move(linux)}};
  if (!ctx.hostname.empty()) config["hostname"] = ctx.hostname;
  return config;
}

}  // namespace berth::runtime

// The CNI-backed PodNetwork: `ip netns add`, then the loopback, bridge (host-local IPAM) and,
// for hostPorts, portmap plugins run as a chain per the CNI 1.0.0 protocol.
#include <dirent.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "common/json.h"
#include "common/subprocess.h"
#include "network/ipv4_cidr.h"
#include "network/pod_network.h"

namespace berth::network {
namespace fs = std::filesystem;
namespace {

constexpr char kCniVersion[] = "1.0.0";

class CniNetwork final : public PodNetwork {
 public:
  explicit CniNetwork(NetworkConfig c) : c_(std::move(c)) {}

  Status Init() override {
    auto cidr = ParseIpv4Cidr(c_.pod_cidr);
    if (!cidr.ok()) return cidr.status();
    gateway_ = cidr->FirstHost();
    prefix_ = cidr->prefix;
    std::error_code ec;
    fs::create_directories(c_.state_dir + "/results", ec);
    fs::create_directories(c_.state_dir + "/ipam", ec);
    auto show = RunSubprocess({"ip", "link", "show", c_.bridge});
    if (!show.ok()) return show.status();
    if (show->exit_code != 0) {
      auto add = RunChecked({"ip", "link", "add", c_.bridge, "type", "bridge"});
      if (!add.ok()) return add.status();
    }
    auto addrs = RunChecked({"ip", "-4", "addr", "show", "dev", c_.bridge});
    if (!addrs.ok()) return addrs.status();
    std::string want = gateway_ + "/" + std::to_string(prefix_);
    if (addrs->find(" " + want + " ") == std::string::npos) {
      auto a = RunChecked({"ip", "addr", "add", want, "dev", c_.bridge});
      if (!a.ok()) return a.status();
    }
    auto up = RunChecked({"ip", "link", "set", c_.bridge, "up"});
    if (!up.ok()) return up.status();
    return Status::Ok();
  }

  StatusOr<SandboxNetwork> Add(const std::string& id, const std::string& pod_namespace,
                               const std::string& pod_name,
                               const std::vector<PortMapping>& ports) override {
    std::lock_guard<std::mutex> lock(LockFor(id));
    if (auto cached = Get(id); cached.ok() && fs::exists(cached->netns_path)) return cached;
    if (gateway_.empty()) BERTH_RETURN_IF_ERROR(Init());
    std::string ns = NetnsName(id);
    std::string path = "/run/netns/" + ns;
    if (!fs::exists(path)) {
      auto r = RunChecked({"ip", "netns", "add", ns});
      if (!r.ok()) return r.status();
    }
    auto fail = [&](Status s) -> StatusOr<SandboxNetwork> {
      (void)RemoveLocked(id);
      return s;
    };
    std::string args = "K8S_POD_NAMESPACE=" + pod_namespace + ";K8S_POD_NAME=" + pod_name;
    auto lo = Exec("loopback", "ADD", id, path, "lo", LoopbackConfig(), args);
    if (!lo.ok()) return fail(lo.status());
    auto br = Exec("bridge", "ADD", id, path, "eth0", BridgeConfig(json::value()), args);
    if (!br.ok()) return fail(br.status());
    json::value result = *br;
    if (!ports.empty()) {
      auto pm = Exec("portmap", "ADD", id, path, "eth0", PortmapConfig(ports, result), args);
      if (!pm.ok()) return fail(pm.status());
      result = *pm;
    }
    json::object cache{{"netns", path}, {"result", result}};
    if (!ports.empty()) cache["ports"] = PortsJson(ports);
    std::string tmp = ResultPath(id) + ".tmp";
    {
      std::ofstream f(tmp);
      f << json::serialize(cache);
    }
    fs::rename(tmp, ResultPath(id));
    return FromCache(cache);
  }

  StatusOr<SandboxNetwork> Get(const std::string& id) const override {
    std::ifstream f(ResultPath(id));
    if (!f) return Status(Reason::kNotFound, "no network for sandbox " + id);
    std::stringstream ss;
    ss << f.rdbuf();
    auto v = ParseJson(ss.str());
    if (!v.ok() || !v->is_object()) return Status(Reason::kNotFound, "corrupt network cache for " + id);
    return FromCache(v->as_object());
  }

  Status Remove(const std::string& id) override {
    std::lock_guard<std::mutex> lock(LockFor(id));
    return RemoveLocked(id);
  }

  // Remove with the sandbox's lock held (Add's failure path calls it too).
  Status RemoveLocked(const std::string& id) {
    std::string ns = NetnsName(id);
    std::string path = "/run/netns/" + ns;
    json::value prev;
    std::vector<PortMapping> ports;
    {
      std::ifstream f(ResultPath(id));
      if (f) {
        std::stringstream ss;
        ss << f.rdbuf();
        auto v = ParseJson(ss.str());
        if (v.ok() && v->is_object()) {
          if (const auto* r = v->as_object().if_contains("result")) prev = *r;
          if (const auto* p = v->as_object().if_contains("ports"); p && p->is_array())
            for (const auto& x : p->as_array()) {
              PortMapping m;
              m.container_port = static_cast<int>(GetInt(x.as_object(), {"containerPort"}));
              m.host_port = static_cast<int>(GetInt(x.as_object(), {"hostPort"}));
              m.protocol = GetString(x.as_object(), {"protocol"});
              m.host_ip = GetString(x.as_object(), {"hostIP"});
              ports.push_back(m);
            }
        }
      }
    }
    if (gateway_.empty()) {
      auto cidr = ParseIpv4Cidr(c_.pod_cidr);
      if (cidr.ok()) {
        gateway_ = cidr->FirstHost();
        prefix_ = cidr->prefix;
      }
    }
    // DEL must succeed for a half-made or already-removed sandbox (CNI spec), so the IP is
    // released even when the namespace is gone.
    std::string nspath = fs::exists(path) ? path : "";
    Status first;
    if (!ports.empty()) {
      auto r = Exec("portmap", "DEL", id, nspath, "eth0", PortmapConfig(ports, prev), "");
      if (!r.ok()) first = r.status();
    }
    auto br = Exec("bridge", "DEL", id, nspath, "eth0", BridgeConfig(prev), "");
    if (!br.ok() && first.ok()) first = br.status();
    if (!nspath.empty()) {
      (void)Exec("loopback", "DEL", id, nspath, "lo", LoopbackConfig(), "");
      auto r = RunChecked({"ip", "netns", "del", ns});
      if (!r.ok() && first.ok() && fs::exists(path)) first = r.status();
    }
    std::error_code ec;
    fs::remove(ResultPath(id), ec);
    return first;
  }

  StatusOr<std::vector<std::string>> List() const override {
    std::vector<std::string> out;
    std::string prefix = "berth-" + c_.cluster + "-";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/run/netns", ec)) {
      std::string n = e.path().filename().string();
      if (n.rfind(prefix, 0) == 0) out.push_back(n.substr(prefix.size()));
    }
    for (const auto& e : fs::directory_iterator(c_.state_dir + "/results", ec)) {
      std::string n = e.path().filename().string();
      if (n.size() > 5 && n.substr(n.size() - 5) == ".json") {
        std::string id = n.substr(0, n.size() - 5);
        if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
      }
    }
    return out;
  }

  Status Destroy() override {
    Status first;
    auto ids = List();
    if (ids.ok())
      for (const auto& id : *ids) {
        Status s = Remove(id);
        if (!s.ok() && first.ok()) first = s;
      }
    auto show = RunSubprocess({"ip", "link", "show", c_.bridge});
    if (show.ok() && show->exit_code == 0) {
      auto r = RunChecked({"ip", "link", "del", c_.bridge});
      if (!r.ok() && first.ok()) first = r.status();
    }
    std::error_code ec;
    fs::remove_all(c_.state_dir, ec);
    return first;
  }

 private:
  std::string NetnsName(const std::string& id) const { return "berth-" + c_.cluster + "-" + id; }
  std::string ResultPath(const std::string& id) const {
    return c_.state_dir + "/results/" + id + ".json";
  }
  std::string NetName() const { return "berth-" + c_.cluster; }

  std::mutex& LockFor(const std::string& id) {
    std::lock_guard<std::mutex> lock(locks_mu_);
    return locks_[std::hash<std::string>()(id) % 64];
  }

  json::object LoopbackConfig() const {
    return {{"cniVersion", kCniVersion}, {"name", NetName()}, {"type", "loopback"}};
  }

  json::object BridgeConfig(const json::value& prev) const {
    json::array routes;
    for (const auto& r : c_.routes) routes.push_back(json::object{{"dst", r}, {"gw", gateway_}});
    json::object ipam{{"type", "host-local"},
                      {"ranges", json::array{json::array{json::object{
                                     {"subnet", c_.pod_cidr}, {"gateway", gateway_}}}}},
                      {"routes", routes},
                      {"dataDir", c_.state_dir + "/ipam"}};
    json::object cfg{{"cniVersion", kCniVersion}, {"name", NetName()},   {"type", "bridge"},
                     {"bridge", c_.bridge},       {"isGateway", true},   {"isDefaultGateway", false},
                     {"ipMasq", false},           {"hairpinMode", true}, {"mtu", c_.mtu},
                     {"ipam", ipam}};
    if (!prev.is_null()) cfg["prevResult"] = prev;
    return cfg;
  }

  static json::array PortsJson(const std::vector<PortMapping>& ports) {
    json::array a;
    for (const auto& p : ports) {
      std::string proto = p.protocol;
      for (auto& ch : proto) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
      json::object m{{"hostPort", p.host_port}, {"containerPort", p.container_port}, {"protocol", proto}};
      if (!p.host_ip.empty()) m["hostIP"] = p.host_ip;
      a.push_back(m);
    }
    return a;
  }

  json::object PortmapConfig(const std::vector<PortMapping>& ports, const json::value& prev) const {
    json::object cfg{{"cniVersion", kCniVersion}, {"name", NetName()}, {"type", "portmap"},
                     {"capabilities", json::object{{"portMappings", true}}},
                     {"snat", true},
                     {"runtimeConfig", json::object{{"portMappings", PortsJson(ports)}}}};
    if (!prev.is_null()) cfg["prevResult"] = prev;
    return cfg;
  }

  SandboxNetwork FromCache(const json::object& cache) const {
    SandboxNetwork n;
    n.netns_path = GetString(cache, {"netns"});
    if (const auto* ips = GetPath(cache, {"result", "ips"}); ips && ips->is_array() &&
                                                           !ips->as_array().empty()) {
      std::string addr = GetString(ips->as_array()[0].as_object(), {"address"});
      n.ip = addr.substr(0, addr.find('/'));
      n.gateway = GetString(ips->as_array()[0].as_object(), {"gateway"});
    }
    return n;
  }

  // Runs one plugin; returns its result JSON (ADD) or null (DEL).
  StatusOr<json::value> Exec(const std::string& plugin, const std::string& command,
                             const std::string& id, const std::string& netns,
                             const std::string& ifname, const json::object& config,
                             const std::string& args) {
    SubprocessOptions o;
    o.env = {"CNI_COMMAND=" + command, "CNI_CONTAINERID=" + id, "CNI_NETNS=" + netns,
             "CNI_IFNAME=" + ifname, "CNI_PATH=" + c_.cni_bin_dir,
             "PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
    if (!args.empty()) o.env.push_back("CNI_ARGS=IgnoreUnknown=1;" + args);
    o.stdin_data = json::serialize(config);
    o.timeout = std::chrono::milliseconds(30000);
    auto r = RunSubprocess({c_.cni_bin_dir + "/" + plugin}, o);
    if (!r.ok()) return InternalError("cni " + plugin + " " + command + ": " + r.status().message());
    if (r->exit_code != 0) {
      auto err = ParseJson(r->out);
      std::string msg;
      if (err.ok() && err->is_object()) {
        msg = GetString(err->as_object(), {"msg"});
        std::string details = GetString(err->as_object(), {"details"});
        if (!details.empty()) msg += ": " + details;
      }
      if (msg.empty()) msg = r->err.empty() ? r->out : r->err;
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return InternalError("cni " + plugin + " " + command + ": " + msg);
    }
    if (command != "ADD" || r->out.empty()) return json::value();
    return ParseJson(r->out);
  }

  NetworkConfig c_;
  std::string gateway_;
  int prefix_ = 0;
  std::mutex locks_mu_;
  std::mutex locks_[64];
};

}  // namespace

std::unique_ptr<PodNetwork> NewCniNetwork(NetworkConfig config) {
  return std::make_unique<CniNetwork>(std::move(config));
}

}  // namespace berth::network

// node_bench: the node agent's figures, against the real binary with real runc and CNI.
//
//   node_bench --berth build/berth [--pods 50] [--density 110] [--rounds 10]
//
// Prints:
//   - `berth up` to a Ready node (first start, and a restart that adopts);
//   - pod startup, API create -> Ready seen through a watch, image present: p50/p99 for one pod at
//     a time and for N pods created at once;
//   - in the same run, the raw cost of `runc run -d` plus a CNI ADD for the same rootfs, and the
//     ratio of berth's p50 to it;
//   - agent RSS (a separate `berth agent` process) idle and with `density` pods.
// Everything it makes has unique names and is removed at the end (`berth down`).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "client/api_client.h"
#include "common/subprocess.h"
#include "network/pod_network.h"

using namespace berth;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string g_berth;
std::string g_dir;
std::vector<pid_t> g_children;

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    FILE* f = fopen(log.c_str(), "a");
    if (f) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  g_children.push_back(pid);
  return pid;
}

void StopChild(pid_t pid, int sig = SIGTERM) {
  kill(pid, sig);
  int st;
  waitpid(pid, &st, 0);
  g_children.erase(std::remove(g_children.begin(), g_children.end(), pid), g_children.end());
}

int64_t RssKb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string k;
  while (f >> k) {
    if (k == "VmRSS:") {
      int64_t v;
      f >> v;
      return v;
    }
  }
  return -1;
}

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

bool NodeReady(client::ApiClient& api, const std::string& node) {
  auto n = api.Get("/api/v1/nodes/" + node);
  if (!n.ok()) return false;
  const auto* conds = GetPath(*n, {"status", "conditions"});
  if (!conds || !conds->is_array()) return false;
  for (const auto& c : conds->as_array())
    if (GetString(c.as_object(), {"type"}) == "Ready") return GetString(c.as_object(), {"status"}) == "True";
  return false;
}

bool PodReady(const json::value& pod) {
  const auto* conds = GetPath(pod, {"status", "conditions"});
  if (!conds || !conds->is_array()) return false;
  for (const auto& c : conds->as_array())
    if (GetString(c.as_object(), {"type"}) == "Ready") return GetString(c.as_object(), {"status"}) == "True";
  return false;
}

json::value PodManifest(const std::string& name, const std::string& node) {
  return *ParseJson(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name +
                    R"(","labels":{"bench":"node"}},"spec":{"nodeName":")" + node +
                    R"(","terminationGracePeriodSeconds":0,"containers":[{"name":"c","image":"berth.local/busybox:bench","imagePullPolicy":"IfNotPresent","command":["sleep","3600"]}]}})");
}

// Creates `names` at once and returns each pod's create -> Ready latency seen through a watch.
std::vector<double> StartPods(client::ApiClient& api, const std::vector<std::string>& names,
                              const std::string& node) {
  std::map<std::string, Clock::time_point> created;
  std::map<std::string, double> ready;
  std::mutex mu;
  std::atomic<bool> stop{false};
  auto list = api.Get("/api/v1/namespaces/default/pods?limit=1");
  std::string rv = list.ok() ? GetString(*list, {"metadata", "resourceVersion"}) : "0";
  std::thread watcher([&] {
    api.Watch("/api/v1/namespaces/default/pods?watch=true&labelSelector=bench%3Dnode&resourceVersion=" + rv,
              [&](const std::string& type, json::value& obj) {
                auto now = Clock::now();
                std::string n = GetString(obj, {"metadata", "name"});
                std::lock_guard<std::mutex> l(mu);
                if (PodReady(obj) && created.count(n) && !ready.count(n))
                  ready[n] = Ms(now - created[n]);
                return ready.size() < names.size();
              },
              &stop);
  });
  std::vector<std::thread> creators;
  size_t per = std::max<size_t>(1, names.size() / 8);
  for (size_t i = 0; i < names.size(); i += per) {
    creators.emplace_back([&, i] {
      for (size_t j = i; j < std::min(names.size(), i + per); ++j) {
        {
          std::lock_guard<std::mutex> l(mu);
          created[names[j]] = Clock::now();
        }
        auto r = api.Create("/api/v1/namespaces/default/pods", PodManifest(names[j], node));
        if (!r.ok()) fprintf(stderr, "create %s: %s\n", names[j].c_str(), r.status().ToString().c_str());
      }
    });
  }
  for (auto& t : creators) t.join();
  auto deadline = Clock::now() + std::chrono::seconds(120);
  while (Clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> l(mu);
      if (ready.size() >= names.size()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop = true;
  watcher.join();
  std::vector<double> out;
  for (auto& [n, ms] : ready) out.push_back(ms);
  if (out.size() < names.size())
    fprintf(stderr, "only %zu of %zu pods became Ready\n", out.size(), names.size());
  return out;
}

void DeletePods(client::ApiClient& api, const std::vector<std::string>& names) {
  for (const auto& n : names)
    (void)api.Delete("/api/v1/namespaces/default/pods/" + n, *ParseJson(R"({"gracePeriodSeconds":0})"));
  for (int i = 0; i < 600; ++i) {
    auto l = api.Get("/api/v1/namespaces/default/pods?labelSelector=bench%3Dnode");
    if (l.ok() && GetPath(*l, {"items"})->as_array().empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Raw baseline: a CNI ADD (new netns, bridge, host-local) plus `runc run -d` of the same rootfs,
// `rounds` one at a time, then `burst` at once (each latency from the common start).
std::vector<double> RawBaseline(int rounds, const std::string& layer, int burst,
                                std::vector<double>* burst_out) {
  std::vector<double> out;
  network::NetworkConfig nc;
  nc.cluster = "rb" + std::to_string(getpid());
  nc.bridge = "rb" + std::to_string(getpid() % 100000);
  nc.pod_cidr = "10." + std::to_string(230 + getpid() % 9) + "." + std::to_string(getpid() % 250) + ".0/24";
  nc.state_dir = g_dir + "/raw/net";
  auto net = network::NewCniNetwork(nc);
  if (!net->Init().ok()) {
    fprintf(stderr, "raw baseline: network init failed\n");
    return out;
  }
  std::string root = "/run/berth-bench-raw-" + std::to_string(getpid());
  // `runc spec`'s default, with the image's rootfs (read-only) and `sleep 3600`.
  json::value spec_template;
  {
    std::string tdir = g_dir + "/raw/template";
    fs::create_directories(tdir);
    RunChecked({"runc", "spec", "--bundle", tdir});
    std::ifstream f(tdir + "/config.json");
    std::stringstream ss;
    ss << f.rdbuf();
    spec_template = *ParseJson(ss.str());
    auto& o = spec_template.as_object();
    o["root"] = json::object{{"path", layer}, {"readonly", true}};
    o["process"].as_object()["terminal"] = false;
    o["process"].as_object()["args"] = json::array{"sleep", "3600"};
    o["linux"].as_object()["namespaces"].as_array().push_back(json::object{{"type", "network"}});
    // runc spec already lists a network namespace; keep one entry.
    auto& nss = o["linux"].as_object()["namespaces"].as_array();
    int seen = 0;
    for (size_t i = 0; i < nss.size();) {
      if (GetString(nss[i].as_object(), {"type"}) == "network" && seen++ > 0) nss.erase(nss.begin() + static_cast<long>(i));
      else ++i;
    }
  }
  // One container: returns its latency from `start`, or -1.
  auto one = [&](const std::string& id, Clock::time_point start) -> double {
    std::string bundle = g_dir + "/raw/" + id;
    fs::create_directories(bundle);
    json::value cfg = spec_template;  // `runc spec`'s default config, as a raw user has it
    auto sb = net->Add(id, "default", id, {});
    if (!sb.ok()) {
      fprintf(stderr, "raw CNI ADD: %s\n", sb.status().ToString().c_str());
      return -1;
    }
    for (auto& ns : cfg.as_object()["linux"].as_object()["namespaces"].as_array())
      if (GetString(ns.as_object(), {"type"}) == "network") ns.as_object()["path"] = sb->netns_path;
    std::ofstream(bundle + "/config.json") << json::serialize(cfg);
    SubprocessOptions quiet;
    quiet.discard_output = true;  // the container inherits runc's stdio
    auto r = RunSubprocess({"runc", "--root", root, "run", "-d", "--bundle", bundle, id}, quiet);
    double ms = Ms(Clock::now() - start);
    if (!r.ok() || r->exit_code != 0) {
      fprintf(stderr, "raw runc run: exit %d\n", r.ok() ? r->exit_code : -1);
      return -1;
    }
    return ms;
  };
  auto cleanup = [&](const std::string& id) {
    RunSubprocess({"runc", "--root", root, "delete", "--force", id});
    (void)net->Remove(id);
  };
  for (int i = 0; i < rounds; ++i) {
    std::string id = "raw" + std::to_string(i);
    double ms = one(id, Clock::now());
    if (ms >= 0) out.push_back(ms);
    cleanup(id);
  }
  std::vector<double> lat(static_cast<size_t>(burst), -1);
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int i = 0; i < burst; ++i)
    threads.emplace_back([&, i] { lat[static_cast<size_t>(i)] = one("rawb" + std::to_string(i), start); });
  for (auto& t : threads) t.join();
  for (double v : lat)
    if (v >= 0) burst_out->push_back(v);
  for (int i = 0; i < burst; ++i) cleanup("rawb" + std::to_string(i));
  (void)net->Destroy();
  fs::remove_all(root);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int burst = 50, density = 110, rounds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--berth") g_berth = fs::absolute(argv[i + 1]).string();
    if (a == "--pods") burst = std::atoi(argv[i + 1]);
    if (a == "--density") density = std::atoi(argv[i + 1]);
    if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
  }
  if (g_berth.empty()) {
    fprintf(stderr, "usage: node_bench --berth path/to/berth [--pods 50] [--density 110]\n");
    return 2;
  }
  g_dir = "/tmp/berth-bench-node-" + std::to_string(getpid());
  fs::create_directories(g_dir + "/data/images");
  std::string id = "b" + std::to_string(getpid());
  std::string pod_cidr = "10." + std::to_string(220 + getpid() % 9) + "." + std::to_string(getpid() % 250) + ".0/24";
  std::string svc_cidr = "10." + std::to_string(210 + getpid() % 9) + "." + std::to_string(getpid() % 250) + ".0/24";
  std::string data = g_dir + "/data";
  RunChecked({std::string(BERTH_SOURCE_DIR) + "/scripts/make-test-image", data + "/images/busybox.tar",
              "berth.local/busybox:bench"});
  auto free_port = [] {
    auto r = RunChecked({"python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"});
    return r.ok() ? std::atoi(r->c_str()) : 16443;
  };
  int port = free_port();
  std::string listen = "127.0.0.1:" + std::to_string(port);
  std::string node = "bench-" + id;

  // 1. berth up -> Ready node, first start and a restart.
  double up_first = 0, up_again = 0;
  {
    for (int pass = 0; pass < 2; ++pass) {
      fs::remove(data + "/kubeconfig");
      auto t0 = Clock::now();
      pid_t up = Spawn({g_berth, "up", "--data-dir", data, "--listen", listen, "--name", id,
                        "--pod-cidr", pod_cidr, "--service-cidr", svc_cidr, "--node-name", node},
                       g_dir + "/up.log");
      double took = -1;
      for (int i = 0; i < 2000; ++i) {
        if (fs::exists(data + "/kubeconfig")) {
          auto cfg = client::LoadKubeconfig(data + "/kubeconfig");
          if (cfg.ok()) {
            client::ApiClient api(*cfg);
            if (NodeReady(api, node)) {
              took = Ms(Clock::now() - t0);
              break;
            }
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      (pass == 0 ? up_first : up_again) = took;
      StopChild(up);
    }
  }

  // 2. A separate server and agent, so the agent's RSS is its own.
  pid_t server = Spawn({g_berth, "server", "--data-dir", data, "--listen", listen}, g_dir + "/server.log");
  for (int i = 0; i < 400 && !fs::exists(data + "/kubeconfig"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  pid_t agent = Spawn({g_berth, "agent", "--server", "https://" + listen, "--token-file",
                       data + "/pki/join.token", "--data-dir", data, "--node-name", node,
                       "--cluster", id, "--bridge", "bt" + id, "--pod-cidr", pod_cidr,
                       "--service-cidr", svc_cidr},
                      g_dir + "/agent.log");
  auto cfg = client::LoadKubeconfig(data + "/kubeconfig");
  if (!cfg.ok()) {
    fprintf(stderr, "no kubeconfig\n");
    return 1;
  }
  client::ApiClient api(*cfg);
  for (int i = 0; i < 1000 && !NodeReady(api, node); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  int64_t rss_idle = RssKb(agent);

  // Warm-up pod (first-use costs: image import cache, CNI plugin pages).
  DeletePods(api, {});
  StartPods(api, {"warmup"}, node);
  DeletePods(api, {"warmup"});

  std::vector<double> single;
  for (int i = 0; i < rounds; ++i) {
    std::string n = "single-" + std::to_string(i);
    auto v = StartPods(api, {n}, node);
    single.insert(single.end(), v.begin(), v.end());
    DeletePods(api, {n});
  }
  std::vector<std::string> names;
  for (int i = 0; i < burst; ++i) names.push_back("burst-" + std::to_string(i));
  auto burst_lat = StartPods(api, names, node);
  // Density: top up to `density` pods.
  std::vector<std::string> more;
  for (int i = burst; i < density; ++i) more.push_back("burst-" + std::to_string(i));
  auto dens_lat = StartPods(api, more, node);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  int64_t rss_full = RssKb(agent);
  names.insert(names.end(), more.begin(), more.end());
  DeletePods(api, names);

  // Raw baseline on the same rootfs.
  std::string layer;
  for (const auto& e : fs::directory_iterator(data + "/image-store/layers")) layer = e.path().string();
  std::vector<double> raw_burst;
  auto raw = RawBaseline(rounds, layer, burst, &raw_burst);

  StopChild(agent);
  StopChild(server);
  RunSubprocess({g_berth, "down", "--data-dir", data});

  double raw50 = Pct(raw, 0.5);
  printf("node_bench (runc + CNI bridge, image present, %s)\n", "2 cores");
  printf("  berth up -> node Ready: first start %.0f ms, restart (adopt) %.0f ms  (goal <= 2000 ms)\n",
         up_first, up_again);
  printf("  pod create -> Ready (watch), 1 at a time x%zu: p50 %.0f ms  p99 %.0f ms\n", single.size(),
         Pct(single, 0.5), Pct(single, 0.99));
  printf("  pod create -> Ready (watch), %d at once:      p50 %.0f ms  p99 %.0f ms\n", burst,
         Pct(burst_lat, 0.5), Pct(burst_lat, 0.99));
  printf("  raw runc run -d + CNI ADD x%zu:               p50 %.0f ms  p99 %.0f ms\n", raw.size(), raw50,
         Pct(raw, 0.99));
  printf("  raw runc run -d + CNI ADD, %d at once:   p50 %.0f ms  p99 %.0f ms\n", burst,
         Pct(raw_burst, 0.5), Pct(raw_burst, 0.99));
  if (raw50 > 0)
    printf("  ratio berth p50 (1 pod) / raw p50: %.2f  (goal <= 2.0); p99 goal <= 300 ms\n",
           Pct(single, 0.5) / raw50);
  printf("  agent RSS: idle %.1f MB, with %d pods %.1f MB -> %.2f MB per pod  (goal <= 30 MB + 1 MB/pod)\n",
         static_cast<double>(rss_idle) / 1024, density, static_cast<double>(rss_full) / 1024,
         static_cast<double>(rss_full - rss_idle) / 1024 / density);
  printf("  (%zu of %d density pods reached Ready)\n", burst_lat.size() + dens_lat.size(), density);
  fs::remove_all(g_dir);
  return 0;
}

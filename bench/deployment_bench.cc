// deployment_bench: a 1,000-replica Deployment on 100 fake-runtime nodes. The control plane is a
// real `berth server` process (API server, store, controllers, scheduler); the 100 node agents
// run in this process with the fake runtime (pods become Running/Ready without containers).
// Prints: time from create to all replicas available, time for a full rolling update (template
// change -> all replicas updated and available, old ReplicaSet at 0), and the server process's
// RSS (peak and at the end).
//
// The simulated nodes share this machine's cores with the control plane; when they are starved
// their Leases go stale and the node lifecycle controller (rightly) marks them NotReady and later
// evicts their pods. `--node-grace S` raises the server's node grace period to keep that
// simulation artefact out of the control-plane figures (progress lines report NotReady nodes).
//
// Usage: deployment_bench --berth build/release/berth [--nodes 100] [--replicas 1000]
//                         [--node-grace 40]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agent/agent.h"
#include "client/api_client.h"

using namespace berth;
using Clock = std::chrono::steady_clock;

namespace {

long RssKb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return atol(line.c_str() + 6);
  }
  return 0;
}

int FreePort() {
  return 20000 + static_cast<int>(getpid() % 20000);
}

json::object Deployment(int replicas, const std::string& version) {
  json::object labels{{"app", "big"}};
  json::object requests{{"cpu", "10m"}, {"memory", "16Mi"}};
  json::object container{{"name", "c"},
                         {"image", "berth.local/fake:1"},
                         {"resources", json::object{{"requests", requests}}}};
  json::object pod_spec{{"terminationGracePeriodSeconds", 0},
                        {"containers", json::array{container}}};
  json::object pod_meta{{"labels", labels},
                        {"annotations", json::object{{"version", version}}}};
  json::object spec{{"replicas", replicas},
                    {"selector", json::object{{"matchLabels", labels}}},
                    {"template", json::object{{"metadata", pod_meta}, {"spec", pod_spec}}}};
  return json::object{{"apiVersion", "apps/v1"},
                      {"kind", "Deployment"},
                      {"metadata", json::object{{"name", "big"}, {"namespace", "default"}}},
                      {"spec", spec}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string berth_bin;
  int nodes = 100, replicas = 1000;
  std::string node_grace = "40";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--berth") berth_bin = argv[i + 1];
    if (a == "--nodes") nodes = atoi(argv[i + 1]);
    if (a == "--replicas") replicas = atoi(argv[i + 1]);
    if (a == "--node-grace") node_grace = argv[i + 1];
  }
  if (berth_bin.empty()) {
    fprintf(stderr, "usage: deployment_bench --berth path/to/berth [--nodes N] [--replicas R]\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string dir = "/tmp/berth-deploybench-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string listen = "127.0.0.1:" + std::to_string(FreePort());
  pid_t server = fork();
  if (server == 0) {
    freopen((dir + "/server.log").c_str(), "w", stderr);
    execl(berth_bin.c_str(), berth_bin.c_str(), "server", "--data-dir", (dir + "/server").c_str(),
          "--listen", listen.c_str(), "--node-monitor-grace-period", node_grace.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  auto stop_server = [&] {
    kill(server, SIGTERM);
    waitpid(server, nullptr, 0);
  };
  for (int i = 0; i < 200 && !std::filesystem::exists(dir + "/server/kubeconfig"); i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto cfg = client::LoadKubeconfig(dir + "/server/kubeconfig");
  if (!cfg.ok()) {
    fprintf(stderr, "kubeconfig: %s\n", cfg.status().ToString().c_str());
    stop_server();
    return 1;
  }
  client::ApiClient api(*cfg);
  long idle_rss = RssKb(server);

  auto t_nodes = Clock::now();
  std::vector<std::unique_ptr<agent::Agent>> agents;
  for (int i = 0; i < nodes; i++) {
    agent::AgentOptions o;
    o.server = "https://" + listen;
    o.token_file = dir + "/server/pki/join.token";
    o.data_dir = dir + "/node-" + std::to_string(i);
    o.node_name = "node-" + std::to_string(i);
    o.runtime = "fake";
    agents.push_back(std::make_unique<agent::Agent>(o));
    if (auto s = agents.back()->Start(); !s.ok()) {
      fprintf(stderr, "agent %d: %s\n", i, s.ToString().c_str());
      stop_server();
      return 1;
    }
  }
  printf("%d fake nodes joined in %.1f s\n", nodes,
         std::chrono::duration<double>(Clock::now() - t_nodes).count());

  long peak = 0;
  auto wait_until = [&](const char* what, const std::function<bool(const json::object&)>& done) {
    auto t0 = Clock::now();
    int polls = 0;
    while (Clock::now() - t0 < std::chrono::minutes(15)) {
      peak = std::max(peak, RssKb(server));
      auto d = api.Get("/apis/apps/v1/namespaces/default/deployments/big");
      if (d.ok() && done(d->as_object())) {
        return std::chrono::duration<double>(Clock::now() - t0).count();
      }
      if (d.ok() && ++polls % 50 == 0) {  // progress every ~5 s, on stderr
        int not_ready = 0;
        if (auto nl = api.Get("/api/v1/nodes"); nl.ok()) {
          for (const auto& n : (*nl).as_object()["items"].as_array()) {
            bool ready = false;
            if (const json::value* cs = GetPath(n.as_object(), {"status", "conditions"})) {
              for (const auto& c : cs->as_array()) {
                if (GetString(c.as_object(), {"type"}) == "Ready")
                  ready = GetString(c.as_object(), {"status"}) == "True";
              }
            }
            not_ready += ready ? 0 : 1;
          }
        }
        fprintf(stderr, "  %s: %.0f s: replicas %lld updated %lld available %lld; nodes not ready %d\n",
                what, std::chrono::duration<double>(Clock::now() - t0).count(),
                static_cast<long long>(GetInt(d->as_object(), {"status", "replicas"})),
                static_cast<long long>(GetInt(d->as_object(), {"status", "updatedReplicas"})),
                static_cast<long long>(GetInt(d->as_object(), {"status", "availableReplicas"})),
                not_ready);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    fprintf(stderr, "timeout waiting for %s\n", what);
    return -1.0;
  };
  auto t_create = Clock::now();
  auto created = api.Create("/apis/apps/v1/namespaces/default/deployments",
                            Deployment(replicas, "1"));
  if (!created.ok()) {
    fprintf(stderr, "create: %s\n", created.status().ToString().c_str());
    stop_server();
    return 1;
  }
  auto all_available = [&](const json::object& d) {
    return GetInt(d, {"status", "observedGeneration"}) >= GetInt(d, {"metadata", "generation"}) &&
           GetInt(d, {"status", "availableReplicas"}) == replicas &&
           GetInt(d, {"status", "updatedReplicas"}) == replicas &&
           GetInt(d, {"status", "replicas"}) == replicas;
  };
  double create_secs = wait_until("all available", all_available);
  (void)t_create;
  auto patched = api.Patch("/apis/apps/v1/namespaces/default/deployments/big",
                           json::object{{"spec", json::object{{"template", json::object{
                               {"metadata", json::object{{"annotations",
                                   json::object{{"version", "2"}}}}}}}}}});
  if (!patched.ok()) fprintf(stderr, "patch: %s\n", patched.status().ToString().c_str());
  double update_secs = wait_until("rolled out", all_available);
  long end_rss = RssKb(server);
  printf("%d-replica Deployment on %d nodes: create -> all available %.1f s; rolling update "
         "(maxSurge 25%%, maxUnavailable 25%%) -> all updated and available %.1f s\n",
         replicas, nodes, create_secs, update_secs);
  printf("control plane (berth server) RSS: idle %.1f MB, peak %.1f MB, after rollout %.1f MB\n",
         idle_rss / 1024.0, peak / 1024.0, end_rss / 1024.0);
  for (auto& a : agents) a->Stop();
  agents.clear();
  stop_server();
  std::filesystem::remove_all(dir);
  return create_secs < 0 || update_secs < 0 ? 1 : 0;
}

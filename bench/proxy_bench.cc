// proxy_bench: rule programming latency of berth's service proxy, with real nftables inside a
// private network namespace (needs root; everything it makes is named bpxb<pid>... and removed).
//
// Set-up: an in-process API server (SQLite store in a temp dir); a netns with a dummy interface
// 10.88.0.1/16 (the "pod network", a TCP listener on 10.88.0.1:8080) and the service CIDR
// 10.96.0.0/16 routed to it; a guard table that resets TCP to 10.96.0.0/16 still undNATed after
// the proxy's hook, so a probe of a not-yet-programmed service fails at once; a Proxier whose
// NftRunner runs `nft` in that netns.
//
// For each size N (existing services, each with one endpoint): creates services up to N, waits
// until the proxy is idle, times one full sync (RequestFullSync), then takes S samples of
//   create Service + EndpointSlice -> a TCP connect to ClusterIP:80 from inside the netns succeeds
// (each probe a fresh socket, so no conntrack entry of a failed probe is reused), and prints
// p50/p99, the incremental syncs' build/apply times and the table's size.
//
// Usage: proxy_bench [--sizes 100,1000,10000] [--samples 30] [--min-sync-ms 100]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/server.h"
#include "common/subprocess.h"
#include "network/in_netns.h"
#include "proxy/proxier.h"

using namespace berth;
using Clock = std::chrono::steady_clock;

namespace {

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
double Ms(std::chrono::microseconds d) { return d.count() / 1000.0; }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

bool Run(const std::vector<std::string>& argv) {
  auto r = RunChecked(argv);
  if (!r.ok()) fprintf(stderr, "proxy_bench: %s\n", r.status().ToString().c_str());
  return r.ok();
}

using network::InNetns;

// The netns, its listener and the guard table; removed on destruction.
class BenchNet {
 public:
  BenchNet() : name_("bpxb" + std::to_string(getpid())) {}
  bool Setup() {
    RunSubprocess({"ip", "netns", "del", name_});
    made_ = Run({"ip", "netns", "add", name_});
    if (!made_) return false;
    const std::vector<std::string> ip = {"ip", "-n", name_};
    auto ipc = [&](std::vector<std::string> args) {
      args.insert(args.begin(), ip.begin(), ip.end());
      return Run(args);
    };
    if (!ipc({"link", "set", "lo", "up"}) || !ipc({"link", "add", "pods0", "type", "bridge"}) ||
        !ipc({"addr", "add", "10.88.0.1/16", "dev", "pods0"}) ||
        !ipc({"link", "set", "pods0", "up"}) ||
        !ipc({"route", "add", "10.96.0.0/16", "dev", "pods0"})) {
      return false;
    }
    SubprocessOptions so;
    so.stdin_data =
        "table ip bpxb-guard {\n\tchain out {\n\t\ttype filter hook output priority 0; policy "
        "accept;\n\t\tip daddr 10.96.0.0/16 meta l4proto tcp reject with tcp reset\n\t}\n}\n";
    if (!RunChecked({"nsenter", "--net=/run/netns/" + name_, "nft", "-f", "-"}, so).ok()) {
      return false;
    }
    listen_fd_ = InNetns(name_, [] {
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(8080);
      inet_pton(AF_INET, "10.88.0.1", &a.sin_addr);
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 1024) != 0) {
        close(fd);
        return -1;
      }
      return fd;
    });
    if (listen_fd_ < 0) return false;
    stop_fd_ = eventfd(0, EFD_CLOEXEC);
    acceptor_ = std::thread([this] {
      while (true) {
        pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
        if (poll(fds, 2, 1000) < 0 || fds[0].revents) return;
        if (fds[1].revents) {
          int c = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
          if (c >= 0) close(c);
        }
      }
    });
    return true;
  }
  ~BenchNet() {
    if (acceptor_.joinable()) {
      uint64_t one = 1;
      (void)!write(stop_fd_, &one, sizeof one);
      acceptor_.join();
    }
    if (listen_fd_ >= 0) close(listen_fd_);
    if (stop_fd_ >= 0) close(stop_fd_);
    if (made_) RunSubprocess({"ip", "netns", "del", name_});
  }
  const std::string& name() const { return name_; }

  // One TCP connect attempt to ip:80 from inside the netns (fresh socket).
  bool Probe(const std::string& ip, std::chrono::milliseconds timeout) const {
    int fd = InNetns(
        name_, [] { return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0); });
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(80);
    inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
    bool ok = false;
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      ok = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        ok = err == 0;
      }
    }
    close(fd);
    return ok;
  }

 private:
  std::string name_;
  bool made_ = false;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  std::thread acceptor_;
};

json::value ServiceObject(const std::string& name, const std::string& ip) {
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", {{"name", name}, {"namespace", "default"}}},
      {"spec",
       {{"clusterIP", ip},
        {"ports", json::array{{{"name", "http"}, {"port", 80}, {"protocol", "TCP"},
                               {"targetPort", 8080}}}}}}};
}

json::value SliceObject(const std::string& service) {
  return json::object{
      {"apiVersion", "discovery.k8s.io/v1"},
      {"kind", "EndpointSlice"},
      {"metadata",
       {{"name", service + "-x"},
        {"namespace", "default"},
        {"labels", {{"kubernetes.io/service-name", service}}}}},
      {"addressType", "IPv4"},
      {"endpoints", json::array{{{"addresses", json::array{"10.88.0.1"}},
                                 {"conditions", {{"ready", true}}},
                                 {"nodeName", "n1"}}}},
      {"ports", json::array{{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}}};
}

// The i-th service IP, clear of 10.96.0.x (the API server's own services).
std::string ServiceIp(int i) {
  return "10.96." + std::to_string(1 + i / 250) + "." + std::to_string(1 + i % 250);
}

void Parallel(int from, int to, int threads, const std::function<void(int)>& fn) {
  std::atomic<int> next{from};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; t++) {
    ts.emplace_back([&] {
      for (int i; (i = next++) < to;) fn(i);
    });
  }
  for (auto& t : ts) t.join();
}

std::vector<int> ParseSizes(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, ',');) out.push_back(std::stoi(part));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {100, 1000, 10000};
  int samples = 30;
  int min_sync_ms = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--sizes") sizes = ParseSizes(argv[i + 1]);
    if (a == "--samples") samples = std::atoi(argv[i + 1]);
    if (a == "--min-sync-ms") min_sync_ms = std::atoi(argv[i + 1]);
  }
  if (geteuid() != 0) {
    fprintf(stderr, "proxy_bench: needs root (network namespaces, nftables)\n");
    return 1;
  }

  BenchNet net;
  if (!net.Setup()) return 1;
  const std::string dir = "/tmp/berth-proxybench-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  int rc = 0;
  {
    apiserver::ServerOptions so;
    so.data_dir = dir;
    so.listen = "127.0.0.1:0";
    so.worker_threads = 8;
    apiserver::Server server(so);
    if (Status st = server.Start(); !st.ok()) {
      fprintf(stderr, "proxy_bench: server: %s\n", st.ToString().c_str());
      return 1;
    }
    auto api = server.NewLocalClient("proxy-bench", "system:kube-proxy");

    std::mutex mu;
    std::vector<std::pair<Clock::time_point, proxy::SyncReport>> reports;
    proxy::ProxyOptions po;
    po.table = "berth-bench" + std::to_string(getpid());
    po.node_name = "n1";
    po.pod_cidr = "10.88.0.0/16";
    po.service_cidr = "10.96.0.0/16";
    po.min_sync_interval = std::chrono::milliseconds(min_sync_ms);
    proxy::Proxier proxier(api.get(), po, proxy::NewNftRunner(net.name()));
    proxier.SetObserver([&](const proxy::SyncReport& r) {
      std::lock_guard<std::mutex> l(mu);
      reports.emplace_back(Clock::now(), r);
    });
    if (Status st = proxier.Start(); !st.ok()) {
      fprintf(stderr, "proxy_bench: proxier: %s\n", st.ToString().c_str());
      return 1;
    }
    printf("proxy_bench: nft in netns %s, min_sync_interval %d ms, %d samples per size\n",
           net.name().c_str(), min_sync_ms, samples);

    int existing = 0;
    int sample_index = 0;  // sample services live beyond every size's range
    for (int size : sizes) {
      // Grow to `size` services.
      auto t0 = Clock::now();
      std::atomic<int> errors{0};
      Parallel(existing, size, 4, [&](int i) {
        std::string name = "s" + std::to_string(i);
        if (!api->Create("/api/v1/namespaces/default/services", ServiceObject(name, ServiceIp(i)))
                 .ok() ||
            !api->Create("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
                         SliceObject(name))
                 .ok()) {
          errors++;
        }
      });
      double create_s = std::chrono::duration<double>(Clock::now() - t0).count();
      existing = std::max(existing, size);
      // Wait until the proxy has everything and has been idle for a second.
      const uint64_t want_ports = static_cast<uint64_t>(existing + sample_index);
      const auto converge_deadline = Clock::now() + std::chrono::minutes(10);
      while (Clock::now() < converge_deadline) {
        uint64_t n = proxier.stats().syncs;
        bool idle = !proxier.WaitForSyncs(n + 1, std::chrono::seconds(1));
        if (idle && proxier.stats().last.ports >= want_ports) break;
      }
      double converge_s = std::chrono::duration<double>(Clock::now() - t0).count();

      // One full sync.
      uint64_t n = proxier.stats().syncs;
      proxier.RequestFullSync();
      proxier.WaitForSyncs(n + 1, std::chrono::minutes(5));
      proxy::SyncReport full = proxier.stats().last;

      // Latency samples.
      std::vector<double> lat, inc_build, inc_apply;
      size_t first_report;
      {
        std::lock_guard<std::mutex> l(mu);
        first_report = reports.size();
      }
      for (int s = 0; s < samples; ++s, ++sample_index) {
        const int i = 40000 + sample_index;  // 10.96.161.x and up
        const std::string name = "probe" + std::to_string(sample_index);
        const std::string ip = ServiceIp(i);
        auto start = Clock::now();
        bool ok =
            api->Create("/api/v1/namespaces/default/services", ServiceObject(name, ip)).ok() &&
            api->Create("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
                        SliceObject(name))
                .ok();
        if (!ok) {
          errors++;
          continue;
        }
        auto deadline = start + std::chrono::seconds(30);
        bool connected = false;
        while (Clock::now() < deadline &&
               !(connected = net.Probe(ip, std::chrono::milliseconds(100)))) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        if (!connected) {
          fprintf(stderr, "proxy_bench: %s never reachable\n", ip.c_str());
          rc = 1;
          continue;
        }
        lat.push_back(Ms(Clock::now() - start));
      }
      {
        std::lock_guard<std::mutex> l(mu);
        for (size_t k = first_report; k < reports.size(); ++k) {
          const proxy::SyncReport& r = reports[k].second;
          if (r.full || !r.status.ok() || r.script_bytes == 0) continue;
          inc_build.push_back(Ms(r.build));
          inc_apply.push_back(Ms(r.apply));
        }
      }
      // Table size.
      auto listing = RunSubprocess(
          {"nsenter", "--net=/run/netns/" + net.name(), "nft", "list", "table", "ip", po.table});
      size_t lines = 0, chains = 0;
      if (listing.ok()) {
        std::stringstream ss(listing->out);
        for (std::string line; std::getline(ss, line);) {
          lines++;
          if (line.rfind("\tchain ", 0) == 0) chains++;
        }
      }

      printf("\n== %d existing services (created in %.1f s, proxy converged after %.1f s%s)\n",
             size, create_s, converge_s,
             errors ? (", " + std::to_string(errors.load()) + " create errors").c_str() : "");
      printf("  programming latency (create Service+EndpointSlice -> TCP connect to ClusterIP ok):"
             " p50 %.0f ms  p99 %.0f ms  max %.0f ms  (n=%zu)\n",
             Percentile(lat, 0.5), Percentile(lat, 0.99), Percentile(lat, 1.0), lat.size());
      printf("  incremental sync: build p50 %.2f ms, nft apply p50 %.0f ms  p99 %.0f ms  (n=%zu)\n",
             Percentile(inc_build, 0.5), Percentile(inc_apply, 0.5), Percentile(inc_apply, 0.99),
             inc_apply.size());
      printf("  full sync: build %.0f ms, nft apply %.0f ms, script %.1f KiB, %zu ports%s\n",
             Ms(full.build), Ms(full.apply), full.script_bytes / 1024.0, full.ports,
             full.status.ok() ? "" : (" FAILED: " + full.status.ToString()).c_str());
      printf("  table: %zu chains, %zu lines in `nft list table`\n", chains, lines);
      fflush(stdout);
    }
    if (Status st = proxier.Destroy(); !st.ok()) {
      fprintf(stderr, "proxy_bench: destroy: %s\n", st.ToString().c_str());
    }
    server.Stop();
  }
  std::filesystem::remove_all(dir);
  return rc;
}

// Cluster DNS throughput and latency against dnsmasq, in the same run, on loopback.
//
// For N services (default 1,000 and 10,000; 80% ClusterIP, 20% headless with 3 ready
// endpoints) the zone is filled directly (no API server) and served by berth's DnsServer on
// 127.0.0.1; dnsmasq (/usr/sbin/dnsmasq) serves the same names from an addn-hosts file on
// another port. dnsperf sends the same A-query file to each for the same time with the same
// client count, twice: as fast as it can (max qps), then at a fixed rate (-Q) that both servers
// sustain, while a probe thread sends one query at a time and times each: p50/p99 latency at
// equal load (dnsperf 2.10 reports no percentiles; comparing latency at saturation would
// penalise the faster server, which gets more queries queued). Prints qps, p50/p99, the ratios
// berth/dnsmasq, and memory per 1,000 services (heap bytes allocated by the zone and RSS
// growth).
//
//   dns_bench [--seconds 10] [--sizes 1000,10000] [--clients 4] [--outstanding 32] [--rate 20000]
//
// Everything is loopback; dnsmasq and dnsperf are children killed by PID at the end.
#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dns/message.h"
#include "dns/name.h"
#include "dns/resolver.h"
#include "dns/server.h"
#include "dns/zone.h"

using namespace berth;       // NOLINT
using namespace berth::dns;  // NOLINT

namespace {

struct Options {
  int seconds = 10;
  std::vector<int> sizes = {1000, 10000};
  int clients = 4;
  int outstanding = 32;
  int rate = 20000;  // queries/s of the fixed-rate phase (latency)
};

// A child process killed (SIGKILL) and reaped by PID when the guard goes away.
class Child {
 public:
  Child() = default;
  Child(const std::vector<std::string>& argv, int stdout_fd) {
    pid_ = ::fork();
    if (pid_ == 0) {
      int devnull = ::open("/dev/null", O_RDWR);
      ::dup2(devnull, 0);
      ::dup2(stdout_fd >= 0 ? stdout_fd : devnull, 1);
      ::dup2(stdout_fd >= 0 ? stdout_fd : devnull, 2);
      for (int fd = 3; fd < 1024; ++fd) ::close(fd);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() { Kill(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // Waits for a normal exit.
  int Wait() {
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = -1;
    return st;
  }

 private:
  pid_t pid_ = -1;
};

uint16_t FreePort() {
  // A port free on both UDP and TCP at the moment of asking.
  for (int attempt = 0; attempt < 50; ++attempt) {
    int u = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(u, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    ::getsockname(u, reinterpret_cast<sockaddr*>(&a), &len);
    int t = ::socket(AF_INET, SOCK_STREAM, 0);
    bool ok = ::bind(t, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    ::close(t);
    ::close(u);
    if (ok) return ntohs(a.sin_port);
  }
  return 0;
}

std::string Query(const std::string& name, uint16_t id) {
  Message m;
  m.header.id = id;
  m.header.rd = true;
  m.questions.push_back(Question{name, kTypeA, kClassIN});
  return Encode(m);
}

// One UDP exchange; the latency in microseconds, or -1 on timeout.
double TimedQuery(int fd, const std::string& q) {
  auto t0 = std::chrono::steady_clock::now();
  if (::send(fd, q.data(), q.size(), 0) < 0) return -1;
  char buf[4096];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 1000) != 1) return -1;
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n >= 2 && buf[0] == q[0] && buf[1] == q[1]) break;
  }
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
}

int ConnectedUdp(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  return fd;
}

bool WaitUntilAnswering(uint16_t port, const std::string& name) {
  int fd = ConnectedUdp(port);
  bool ok = false;
  for (int i = 0; i < 100 && !ok; ++i) {
    ok = TimedQuery(fd, Query(name, static_cast<uint16_t>(i))) >= 0;
    if (!ok) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::close(fd);
  return ok;
}

struct Result {
  double qps = 0;
  double lost_pct = 0;
  double p50_us = 0;
  double p99_us = 0;
  size_t probes = 0;
};

double Field(const std::string& text, const std::string& key) {
  size_t at = text.find(key);
  if (at == std::string::npos) return -1;
  return std::strtod(text.c_str() + at + key.size(), nullptr);
}

// dnsperf against `port` for the configured time, with the probe running alongside.
// `rate` 0 = as fast as dnsperf can (throughput), else dnsperf -Q rate (latency at equal load).
Result Measure(uint16_t port, const std::string& query_file, const std::vector<std::string>& names,
               const Options& o, int rate) {
  char out_path[] = "/tmp/berth-dns-bench-dnsperf-XXXXXX";
  int out_fd = ::mkstemp(out_path);
  std::vector<std::string> argv = {"/usr/bin/dnsperf", "-s", "127.0.0.1", "-p", std::to_string(port),
                                   "-d", query_file, "-l", std::to_string(o.seconds), "-c",
                                   std::to_string(o.clients), "-T", "1", "-q",
                                   std::to_string(o.outstanding)};
  if (rate > 0) {
    argv.push_back("-Q");
    argv.push_back(std::to_string(rate));
  }
  Child perf(argv, out_fd);
  std::vector<double> lat;
  int fd = ConnectedUdp(port);
  std::mt19937 rng(7);
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(o.seconds) -
             std::chrono::milliseconds(500);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let dnsperf ramp up
  uint16_t id = 0;
  while (std::chrono::steady_clock::now() < end) {
    double us = TimedQuery(fd, Query(names[rng() % names.size()], ++id));
    if (us >= 0) lat.push_back(us);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ::close(fd);
  perf.Wait();
  std::string text;
  {
    std::ifstream in(out_path);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  ::close(out_fd);
  ::unlink(out_path);
  Result r;
  r.qps = Field(text, "Queries per second:");
  r.lost_pct = 0;
  size_t lost = text.find("Queries lost:");
  if (lost != std::string::npos) {
    size_t paren = text.find('(', lost);
    if (paren != std::string::npos) r.lost_pct = std::strtod(text.c_str() + paren + 1, nullptr);
  }
  if (r.qps < 0) std::fprintf(stderr, "dnsperf output:\n%s\n", text.c_str());
  std::sort(lat.begin(), lat.end());
  r.probes = lat.size();
  if (!lat.empty()) {
    r.p50_us = lat[lat.size() / 2];
    r.p99_us = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
  }
  return r;
}

long RssKb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, rss = 0;
  in >> pages >> rss;
  return rss * (::sysconf(_SC_PAGESIZE) / 1024);
}

struct Cluster {
  std::vector<ServiceInfo> services;
  std::vector<SliceInfo> slices;
  std::vector<std::string> names;  // one query name per service
  std::string hosts;               // dnsmasq addn-hosts content
};

Cluster MakeCluster(int n) {
  Cluster c;
  for (int i = 0; i < n; ++i) {
    std::string ns = "ns-" + std::to_string(i % 100);
    std::string name = "svc-" + std::to_string(i);
    std::string fqdn = name + "." + ns + ".svc.cluster.local";
    c.names.push_back(fqdn);
    if (i % 5 != 4) {
      uint32_t ip = 0x0A600000u + 10 + static_cast<uint32_t>(i);  // 10.96.0.10 + i
      c.services.push_back(ServiceInfo{ns, name, ServiceInfo::Kind::kClusterIP, {ip}, "",
                                       {{"http", "tcp", 80}}, false});
      c.slices.push_back(SliceInfo{ns, name + "-abc", name,
                                   {{{0x0AF40000u + static_cast<uint32_t>(i) * 4 + 1}, true, ""}},
                                   {{"http", "tcp", 8080}}});
      c.hosts += FormatIPv4(ip) + " " + fqdn + "\n";
    } else {
      c.services.push_back(ServiceInfo{ns, name, ServiceInfo::Kind::kHeadless, {}, "",
                                       {{"http", "tcp", 80}}, false});
      SliceInfo slice{ns, name + "-abc", name, {}, {{"http", "tcp", 8080}}};
      for (uint32_t k = 0; k < 3; ++k) {
        uint32_t ip = 0x0AF40000u + static_cast<uint32_t>(i) * 4 + k;
        slice.endpoints.push_back({{ip}, true, ""});
        c.hosts += FormatIPv4(ip) + " " + fqdn + "\n";
      }
      c.slices.push_back(std::move(slice));
    }
  }
  return c;
}

void RunSize(int n, const Options& o) {
  Cluster cluster = MakeCluster(n);
  std::string dir = "/tmp/berth-dns-bench-" + std::to_string(::getpid());
  ::mkdir(dir.c_str(), 0755);
  std::string hosts_file = dir + "/hosts";
  std::string query_file = dir + "/queries";
  {
    std::ofstream(hosts_file) << cluster.hosts;
    std::ofstream q(query_file);
    std::mt19937 rng(42);
    for (int i = 0; i < 20000; ++i) q << cluster.names[rng() % cluster.names.size()] << " A\n";
  }

  // Memory of the zone.
  malloc_trim(0);
  size_t heap0 = mallinfo2().uordblks;
  long rss0 = RssKb();
  Zone zone("cluster.local");
  auto t0 = std::chrono::steady_clock::now();
  for (ServiceInfo& s : cluster.services) zone.UpsertService(s);
  for (SliceInfo& s : cluster.slices) zone.UpsertSlice(s);
  double fill_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  size_t heap1 = mallinfo2().uordblks;
  long rss1 = RssKb();
  std::printf("\n== %d services (%d ClusterIP, %d headless x 3 endpoints)\n", n, n - n / 5, n / 5);
  std::printf("zone fill: %.1f ms; memory per 1,000 services: heap %.0f KiB, RSS %.0f KiB\n",
              fill_ms, (heap1 - heap0) / 1024.0 * 1000.0 / n, (rss1 - rss0) * 1000.0 / n);

  Resolver resolver(&zone, ResolverOptions{5, false});
  {
    // The resolver alone (decode, lookup, encode), on one thread, no sockets.
    std::vector<std::string> queries;
    for (size_t i = 0; i < 1000; ++i) queries.push_back(Query(cluster.names[(i * 7919) % n], 1));
    const int kCalls = 300000;
    size_t bytes = 0;
    auto s0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i) {
      bytes += resolver.Handle(queries[i % queries.size()], Transport::kUdp).reply.size();
    }
    double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - s0)
                    .count() / kCalls;
    std::printf("resolver alone: %.0f ns/query (%.0f queries/s on one core; %zu bytes out)\n", ns,
                1e9 / ns, bytes);
  }
  // [variant][phase]: variants berth 2 threads, berth 1 thread, dnsmasq; phases saturation, rate.
  Result r[3][2];
  const int threads[2] = {2, 1};
  for (int v = 0; v < 2; ++v) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    DnsServer server(&resolver, nullptr, addr, threads[v]);
    Status st = server.Start();
    if (!st.ok()) {
      std::fprintf(stderr, "berth dns: %s\n", st.ToString().c_str());
      return;
    }
    WaitUntilAnswering(server.port(), cluster.names[0]);
    r[v][0] = Measure(server.port(), query_file, cluster.names, o, 0);
    r[v][1] = Measure(server.port(), query_file, cluster.names, o, o.rate);
    server.Stop();
  }

  uint16_t mport = FreePort();
  Child dnsmasq({"/usr/sbin/dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv",
                 "--no-hosts", "--bind-interfaces", "--listen-address=127.0.0.1",
                 "--port=" + std::to_string(mport), "--addn-hosts=" + hosts_file,
                 "--local-ttl=5", "--pid-file=", "--user=root", "--cache-size=10000"},
                -1);
  if (!WaitUntilAnswering(mport, cluster.names[0])) {
    std::fprintf(stderr, "dnsmasq did not answer on port %u\n", mport);
  } else {
    r[2][0] = Measure(mport, query_file, cluster.names, o, 0);
    r[2][1] = Measure(mport, query_file, cluster.names, o, o.rate);
  }
  dnsmasq.Kill();
  std::filesystem::remove_all(dir);

  const char* who[3] = {"berth (2 UDP threads)", "berth (1 UDP thread)", "dnsmasq 2.90"};
  std::printf("%-22s %12s %8s | %-28s\n", "", "max qps", "lost", "at -Q rate: p50 / p99 (probe)");
  for (int v = 0; v < 3; ++v) {
    std::printf("%-22s %12.0f %7.2f%% | %7.1f us / %7.1f us  (%zu probes, %.0f qps, lost %.2f%%)\n",
                who[v], r[v][0].qps, r[v][0].lost_pct, r[v][1].p50_us, r[v][1].p99_us,
                r[v][1].probes, r[v][1].qps, r[v][1].lost_pct);
  }
  if (r[2][0].qps > 0 && r[2][1].p99_us > 0) {
    std::printf("ratio berth/dnsmasq: max qps %.2fx (2 threads) %.2fx (1 thread); "
                "p99 at %d qps %.2fx / %.2fx (lower is better)\n",
                r[0][0].qps / r[2][0].qps, r[1][0].qps / r[2][0].qps, o.rate,
                r[0][1].p99_us / r[2][1].p99_us, r[1][1].p99_us / r[2][1].p99_us);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    std::string v = argv[i + 1];
    if (k == "--seconds") o.seconds = std::stoi(v);
    if (k == "--clients") o.clients = std::stoi(v);
    if (k == "--outstanding") o.outstanding = std::stoi(v);
    if (k == "--rate") o.rate = std::stoi(v);
    if (k == "--sizes") {
      o.sizes.clear();
      std::stringstream ss(v);
      std::string part;
      while (std::getline(ss, part, ',')) o.sizes.push_back(std::stoi(part));
    }
  }
  ::signal(SIGPIPE, SIG_IGN);
  std::printf("dns_bench: dnsperf -T 1 -c %d -q %d, %d s per phase and server (max rate, then "
              "-Q %d with a latency probe); same A-query file (20,000 random service names); "
              "loopback\n",
              o.clients, o.outstanding, o.seconds, o.rate);
  for (int n : o.sizes) RunSize(n, o);
  return 0;
}

// apiserver_bench: starts a real `berth server` in a temporary data dir and
// measures it over HTTPS the way clients use it:
//   * durable creates/s with concurrent clients, and p50/p99 latency
//   * mutating p99 at a paced 200 writes/s
//   * get and list (1,000 and 10,000 objects) latency
//   * watch fan-out: time from a write's acknowledgement to its event at 100 watchers
//   * server RSS idle and with 10,000 stored pods
// Usage: apiserver_bench path/to/berth [--pods N]
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::string g_port;
std::string g_token;

// One keep-alive HTTPS connection (sync, one per client thread).
class Conn {
 public:
  Conn() : ctx_(net::ssl::context::tls_client), stream_(ioc_, ctx_) {
    ctx_.set_verify_mode(net::ssl::verify_none);
    tcp::resolver r(ioc_);
    beast::get_lowest_layer(stream_).connect(r.resolve("127.0.0.1", g_port));
    stream_.handshake(net::ssl::stream_base::client);
  }
  int Do(http::verb method, const std::string& target, const std::string& body,
         std::string* out = nullptr, const char* ctype = "application/json") {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + g_token);
    req.set(http::field::content_type, ctype);
    req.body() = body;
    req.prepare_payload();
    http::write(stream_, req);
    http::response_parser<http::string_body> p;
    p.body_limit(boost::none);
    http::read(stream_, buf_, p);
    if (out) *out = std::move(p.get().body());
    return p.get().result_int();
  }
  // Starts a watch and returns; Next() then reads events line by line.
  void StartWatch(const std::string& target) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + g_token);
    http::write(stream_, req);
    parser_.emplace();
    parser_->body_limit(boost::none);
    http::read_header(stream_, buf_, *parser_);
  }
  // Reads until a full line is available; returns it.
  std::string NextLine() {
    for (;;) {
      auto nl = pending_.find('\n');
      if (nl != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        return line;
      }
      char chunk[65536];
      parser_->get().body().data = chunk;
      parser_->get().body().size = sizeof chunk;
      beast::error_code ec;
      http::read_some(stream_, buf_, *parser_, ec);
      if (ec && ec != http::error::need_buffer) return "";
      pending_.append(chunk, sizeof chunk - parser_->get().body().size);
    }
  }

 private:
  net::io_context ioc_;
  net::ssl::context ctx_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buf_;
  std::optional<http::response_parser<http::buffer_body>> parser_;
  std::string pending_;
};

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * v.size()));
  return v[i];
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

long RssKb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

std::string PodJson(const std::string& name) {
  return R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name +
         R"(","labels":{"app":"bench","tier":"web"},"annotations":{"note":"a benchmark pod with a realistic size"}},"spec":{"containers":[{"name":"app","image":"registry.local/bench/app:1.0","command":["/bin/app","--port=8080"],"ports":[{"containerPort":8080,"name":"http"}],"env":[{"name":"MODE","value":"bench"},{"name":"LEVEL","value":"info"}],"resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"500m","memory":"128Mi"}},"readinessProbe":{"httpGet":{"path":"/healthz","port":8080}}}]}})";
}

struct Result {
  double seconds = 0;
  std::vector<double> lat_ms;
  int errors = 0;
};

// `clients` threads each doing `per_client` creates of pods named prefix-i-j.
Result CreateLoad(const std::string& ns, const std::string& prefix, int clients, int per_client) {
  Result r;
  std::mutex mu;
  auto start = Clock::now();
  std::vector<std::thread> ts;
  for (int c = 0; c < clients; ++c) {
    ts.emplace_back([&, c] {
      Conn conn;
      std::vector<double> lats;
      int errs = 0;
      for (int j = 0; j < per_client; ++j) {
        auto t0 = Clock::now();
        int code = conn.Do(http::verb::post, "/api/v1/namespaces/" + ns + "/pods",
                           PodJson(prefix + "-" + std::to_string(c) + "-" + std::to_string(j)));
        lats.push_back(Ms(Clock::now() - t0));
        if (code != 201) ++errs;
      }
      std::lock_guard<std::mutex> l(mu);
      r.lat_ms.insert(r.lat_ms.end(), lats.begin(), lats.end());
      r.errors += errs;
    });
  }
  for (auto& t : ts) t.join();
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

void CreateNamespace(Conn& c, const std::string& ns) {
  c.Do(http::verb::post, "/api/v1/namespaces",
       R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")" + ns + R"("}})");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: apiserver_bench path/to/berth [--pods N]\n";
    return 2;
  }
  setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string berth = argv[1];
  int pods = 10000;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--pods") pods = std::atoi(argv[i + 1]);
  }
  std::string dir = "/tmp/berth-bench-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  {
    net::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    g_port = std::to_string(a.local_endpoint().port());
  }
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the bench
    std::string listen = "127.0.0.1:" + g_port;
    freopen((dir + "/server.log").c_str(), "w", stderr);
    execl(berth.c_str(), berth.c_str(), "server", "--data-dir", dir.c_str(), "--listen",
          listen.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 200 && !std::filesystem::exists(dir + "/kubeconfig"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  {
    std::ifstream f(dir + "/pki/admin.token");
    std::getline(f, g_token);
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  std::printf("berth apiserver_bench (server pid %d, port %s)\n", pid, g_port.c_str());
  std::printf("memory: idle RSS %.1f MB\n", RssKb(pid) / 1024.0);

  Conn admin;
  CreateNamespace(admin, "bench");
  CreateNamespace(admin, "paced");
  CreateNamespace(admin, "watch");

  // 1. Throughput of durable creates with concurrent clients.
  for (int clients : {1, 16, 64}) {
    int per = clients == 1 ? 300 : 2400 / clients;
    Result r = CreateLoad("bench", "c" + std::to_string(clients), clients, per);
    std::printf("create: %2d clients: %7.0f creates/s  p50 %.2f ms  p99 %.2f ms  errors %d\n",
                clients, r.lat_ms.size() / r.seconds, Pct(r.lat_ms, 50), Pct(r.lat_ms, 99),
                r.errors);
  }

  // 2. Mutating latency at a paced 200 writes/s (goal p99 <= 20 ms).
  {
    std::vector<double> lats;
    std::mutex mu;
    std::vector<std::thread> ts;
    auto start = Clock::now();
    for (int c = 0; c < 4; ++c) {
      ts.emplace_back([&, c] {
        Conn conn;
        for (int j = 0; j < 250; ++j) {
          auto due = start + std::chrono::microseconds((j * 4 + c) * 5000);
          std::this_thread::sleep_until(due);
          auto t0 = Clock::now();
          conn.Do(http::verb::post, "/api/v1/namespaces/paced/configmaps",
                  R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"p-)" +
                      std::to_string(c) + "-" + std::to_string(j) + R"("},"data":{"k":"v"}})");
          std::lock_guard<std::mutex> l(mu);
          lats.push_back(Ms(Clock::now() - t0));
        }
      });
    }
    for (auto& t : ts) t.join();
    std::printf("paced 200 writes/s for 5 s: p50 %.2f ms  p99 %.2f ms (goal p99 <= 20 ms)\n",
                Pct(lats, 50), Pct(lats, 99));
  }

  // 3. Watch fan-out: 100 watchers on one namespace; a write's ack -> event.
  {
    const int kWatchers = 100;
    std::vector<std::unique_ptr<Conn>> watchers;
    for (int i = 0; i < kWatchers; ++i) {
      watchers.push_back(std::make_unique<Conn>());
      watchers.back()->StartWatch(
          "/api/v1/namespaces/watch/configmaps?watch=true&resourceVersion=" +
          std::to_string(1));
    }
    const int kEvents = 50;
    // Receive times per watcher and event; ack times per event. Compared
    // after everything is joined, so no reader races the writer.
    std::vector<std::vector<Clock::time_point>> recv(kWatchers,
                                                     std::vector<Clock::time_point>(kEvents));
    std::vector<Clock::time_point> acked(kEvents);
    std::vector<std::thread> readers;
    for (int i = 0; i < kWatchers; ++i) {
      readers.emplace_back([&, i] {
        for (int e = 0; e < kEvents; ++e) {
          std::string line = watchers[i]->NextLine();
          if (line.empty()) return;
          auto now = Clock::now();
          auto pos = line.find("\"name\":\"w-");
          if (pos == std::string::npos) continue;
          int idx = std::atoi(line.c_str() + pos + 10);
          if (idx >= 0 && idx < kEvents) recv[i][idx] = now;
        }
      });
    }
    Conn writer;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (int e = 0; e < kEvents; ++e) {
      writer.Do(http::verb::post, "/api/v1/namespaces/watch/configmaps",
                R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"w-)" +
                    std::to_string(e) + R"("}})");
      acked[e] = Clock::now();
      std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    for (auto& t : readers) t.join();
    std::vector<double> delays;
    int missing = 0;
    for (int i = 0; i < kWatchers; ++i) {
      for (int e = 0; e < kEvents; ++e) {
        if (recv[i][e] == Clock::time_point{}) {
          ++missing;
          continue;
        }
        // An event can reach a watcher before the writer sees its ack: count 0.
        delays.push_back(std::max(0.0, Ms(recv[i][e] - acked[e])));
      }
    }
    if (missing) std::printf("watch fan-out: %d events never arrived\n", missing);
    std::printf("watch fan-out: %d watchers x %d events: ack->event p50 %.2f ms  p99 %.2f ms "
                "(goal p99 <= 50 ms)\n",
                kWatchers, kEvents, Pct(delays, 50), Pct(delays, 99));
  }

  // 4. Fill to `pods` pods, then get/list latencies and memory.
  {
    int have = 300 + 2400 + 2400 - 60;  // approx. created above
    int need = std::max(0, pods - have);
    Result r = CreateLoad("bench", "fill", 16, need / 16 + 1);
    std::printf("fill: %zu more pods in %.1f s (%.0f/s)\n", r.lat_ms.size(), r.seconds,
                r.lat_ms.size() / r.seconds);
    Conn c;
    std::vector<double> gets;
    std::string body;
    for (int i = 0; i < 500; ++i) {
      auto t0 = Clock::now();
      c.Do(http::verb::get, "/api/v1/namespaces/bench/pods/fill-0-" + std::to_string(i % 100),
           "", &body);
      gets.push_back(Ms(Clock::now() - t0));
    }
    std::printf("get: p50 %.2f ms  p99 %.2f ms\n", Pct(gets, 50), Pct(gets, 99));
    for (int limit : {1000, 0}) {
      std::vector<double> lists;
      size_t bytes = 0;
      for (int i = 0; i < 10; ++i) {
        auto t0 = Clock::now();
        std::string target = "/api/v1/namespaces/bench/pods";
        if (limit) target += "?limit=" + std::to_string(limit);
        c.Do(http::verb::get, target, "", &body);
        lists.push_back(Ms(Clock::now() - t0));
        bytes = body.size();
      }
      std::printf("list %s: p50 %.1f ms  p99 %.1f ms  (%.1f MB)\n",
                  limit ? "1,000 objects" : "all objects (~10,000)", Pct(lists, 50),
                  Pct(lists, 99), bytes / 1e6);
    }
    std::printf("memory: RSS with ~%d pods stored, right after the lists %.1f MB\n", pods,
                RssKb(pid) / 1024.0);
    std::this_thread::sleep_for(std::chrono::seconds(12));
    std::printf("memory: RSS with ~%d pods stored, idle 12 s later %.1f MB (goal <= 200 MB)\n",
                pods, RssKb(pid) / 1024.0);
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::filesystem::remove_all(dir);
  return 0;
}

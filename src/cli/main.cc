// berth: one binary, many subcommands. This file only wires CLI11 to the
// components; each subcommand's logic lives in its component.
#include <CLI/CLI.hpp>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "agent/agent.h"
#include "apiserver/server.h"
#include "cli/cluster_config.h"
#include "client/api_client.h"
#include "controllers/manager/controller_manager.h"
#include "image/image_store.h"
#include "network/ipv4_cidr.h"
#include "runtime/runtime.h"

namespace {

namespace fs = std::filesystem;

// Blocks the stop signals before any thread starts so they reach sigwait.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return set;
}

// Flags of the control plane (controllers and scheduler) shared by `server`, `up` and
// `controllers`.
struct ControlPlaneFlags {
  bool enabled = true;
  int node_grace_seconds = 40;
  berth::controllers::ControllerManagerOptions Options() const {
    berth::controllers::ControllerManagerOptions o;
    o.node_lifecycle.grace_period = std::chrono::seconds(node_grace_seconds);
    return o;
  }
};

void AddControlPlaneFlags(CLI::App* cmd, ControlPlaneFlags* f) {
  cmd->add_flag("--controllers,!--no-controllers", f->enabled,
                "Run the controllers and the scheduler in this process (leader-elected)");
  cmd->add_option("--node-monitor-grace-period", f->node_grace_seconds,
                  "Seconds without a node Lease renewal before the node is NotReady/Unknown")
      ->capture_default_str();
}

// The control plane inside a server process, through the in-process client.
class LocalControlPlane {
 public:
  LocalControlPlane(berth::apiserver::Server* server, const ControlPlaneFlags& f) {
    if (!f.enabled) return;
    client_ = server->NewLocalClient("berth-controller-manager", "system:kube-controller-manager");
    auto opts = f.Options();
    opts.root_ca_pem = server->ca_cert_pem();
    manager_ = std::make_unique<berth::controllers::ControllerManager>(
        client_.get(), &berth::SystemClock::Get(), std::move(opts));
    manager_->Start();
  }
  ~LocalControlPlane() {
    if (manager_) manager_->Stop();
  }

 private:
  std::unique_ptr<berth::client::Interface> client_;
  std::unique_ptr<berth::controllers::ControllerManager> manager_;
};

int RunServer(const berth::apiserver::ServerOptions& opts, const ControlPlaneFlags& cp) {
  // Many request threads would each get a glibc malloc arena and keep freed
  // list/watch buffers there; two arenas keep RSS close to the live data.
  mallopt(M_ARENA_MAX, 2);
  sigset_t set = BlockStopSignals();
  berth::apiserver::Server server(opts);
  berth::Status st = server.Start();
  if (!st.ok()) {
    std::cerr << "berth server: " << st.message() << "\n";
    return 1;
  }
  std::cerr << "berth server: serving on " << server.url() << "; kubeconfig at "
            << opts.data_dir << "/kubeconfig\n";
  int sig = 0;
  {
    LocalControlPlane control_plane(&server, cp);
    sigwait(&set, &sig);
    std::cerr << "berth server: stopping\n";
  }
  server.Stop();
  return 0;
}

// `berth controllers`: the control plane as its own process against a remote API server
// (several may run; the Lease elects one).
int RunControllers(const std::string& kubeconfig, const ControlPlaneFlags& f) {
  mallopt(M_ARENA_MAX, 2);
  sigset_t set = BlockStopSignals();
  auto cfg = berth::client::LoadKubeconfig(kubeconfig);
  if (!cfg.ok()) {
    std::cerr << "berth controllers: " << cfg.status().message() << "\n";
    return 1;
  }
  cfg->user_agent = "berth-controller-manager";
  cfg->stream_idle_timeout = std::chrono::seconds(90);
  berth::client::ApiClient api(*cfg);
  auto opts = f.Options();
  opts.root_ca_pem = cfg->ca_pem;  // the kubeconfig's certificate-authority-data
  berth::controllers::ControllerManager manager(&api, &berth::SystemClock::Get(), std::move(opts));
  manager.Start();
  int sig = 0;
  sigwait(&set, &sig);
  manager.Stop();
  return 0;
}

int RunAgent(berth::agent::AgentOptions opts) {
  mallopt(M_ARENA_MAX, 2);
  sigset_t set = BlockStopSignals();
  berth::agent::Agent agent(opts);
  berth::Status st = agent.Start();
  if (!st.ok()) {
    std::cerr << "berth agent: " << st.ToString() << "\n";
    return 1;
  }
  std::cerr << "berth agent: node " << opts.node_name << " registered; logs endpoint on port "
            << agent.stream_port() << "\n";
  int sig = 0;
  sigwait(&set, &sig);
  std::cerr << "berth agent: stopping (containers keep running)\n";
  agent.Stop();
  return 0;
}

std::string Hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  std::string h = buf;
  for (auto& c : h) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return h.empty() ? "berth-node" : h;
}

struct UpFlags {
  std::string data_dir;
  std::string listen = "127.0.0.1:6443";
  std::string pod_cidr;
  std::string service_cidr;
  std::string name;
  std::string node_name;
  std::vector<std::string> insecure_registries;
  std::string node_port_range = "30000-32767";
};

berth::StatusOr<berth::cli::ClusterConfig> ResolveCluster(const UpFlags& f) {
  auto existing = berth::cli::LoadClusterConfig(f.data_dir);
  berth::cli::ClusterConfig c;
  if (existing.ok()) c = *existing;
  if (!f.name.empty()) c.name = f.name;
  if (c.name.empty()) c.name = berth::cli::ClusterIdFor(f.data_dir);
  if (c.bridge.empty()) c.bridge = ("bt" + c.name).substr(0, 15);
  if (!f.pod_cidr.empty()) c.pod_cidr = f.pod_cidr;
  if (c.pod_cidr.empty()) c.pod_cidr = "10.88.0.0/16";
  if (!f.service_cidr.empty()) c.service_cidr = f.service_cidr;
  if (c.service_cidr.empty()) c.service_cidr = "10.96.0.0/16";
  c.listen = f.listen;
  return c;
}

int RunUp(const UpFlags& f, const ControlPlaneFlags& cp) {
  mallopt(M_ARENA_MAX, 2);
  sigset_t set = BlockStopSignals();
  auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(f.data_dir, ec);
  auto cluster = ResolveCluster(f);
  if (!cluster.ok()) {
    std::cerr << "berth up: " << cluster.status().message() << "\n";
    return 1;
  }
  if (auto s = berth::cli::SaveClusterConfig(f.data_dir, *cluster); !s.ok()) {
    std::cerr << "berth up: " << s.message() << "\n";
    return 1;
  }
  {
    std::ofstream pid(f.data_dir + "/berth.pid");
    pid << getpid() << "\n";
  }
  berth::apiserver::ServerOptions so;
  so.data_dir = f.data_dir;
  so.listen = f.listen;
  so.service_cidr = cluster->service_cidr;
  so.service_node_port_range = f.node_port_range;
  // Pods reach the API through the `kubernetes` service: it names the bridge's gateway, where
  // the server listens too (the API stays off every other interface).
  if (auto pods = berth::network::ParseIpv4Cidr(cluster->pod_cidr); pods.ok()) {
    so.extra_listen_hosts = {pods->FirstHost()};
    so.advertise_address = pods->FirstHost();
  }
  berth::apiserver::Server server(so);
  if (auto s = server.Start(); !s.ok()) {
    std::cerr << "berth up: server: " << s.message() << "\n";
    return 1;
  }
  berth::agent::AgentOptions ao;
  ao.server = server.url();
  ao.data_dir = f.data_dir;
  ao.node_name = f.node_name.empty() ? Hostname() : f.node_name;
  ao.node_ip = "127.0.0.1";
  ao.cluster = cluster->name;
  ao.bridge = cluster->bridge;
  ao.pod_cidr = cluster->pod_cidr;
  ao.service_cidr = cluster->service_cidr;
  ao.insecure_registries = f.insecure_registries;
  auto creds = server.IssueNodeCredentials(ao.node_name, {ao.node_ip});
  if (!creds.ok()) {
    std::cerr << "berth up: " << creds.status().message() << "\n";
    return 1;
  }
  ao.credentials = *creds;
  berth::agent::Agent agent(ao);
  if (auto s = agent.Start(); !s.ok()) {
    std::cerr << "berth up: agent: " << s.ToString() << "\n";
    server.Stop();
    return 1;
  }
  auto control_plane = std::make_unique<LocalControlPlane>(&server, cp);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cerr << "berth up: cluster " << cluster->name << " ready in " << secs << " s: node "
            << ao.node_name << ", API " << server.url() << ", pods " << cluster->pod_cidr
            << " on bridge " << cluster->bridge << "\n"
            << "  export KUBECONFIG=" << f.data_dir << "/kubeconfig\n";
  int sig = 0;
  sigwait(&set, &sig);
  std::cerr << "berth up: stopping (pods keep running; `berth up` again adopts them, "
               "`berth down` removes them)\n";
  control_plane.reset();
  agent.Stop();
  server.Stop();
  fs::remove(f.data_dir + "/berth.pid", ec);
  return 0;
}

int RunDown(const std::string& data_dir) {
  auto cluster = berth::cli::LoadClusterConfig(data_dir);
  if (!cluster.ok()) {
    std::cerr << "berth down: " << cluster.status().message() << "\n";
    return 1;
  }
  // Stop the `berth up` process of this data dir, by the PID it recorded.
  std::ifstream pidf(data_dir + "/berth.pid");
  pid_t pid = 0;
  if (pidf >> pid && pid > 1 && kill(pid, 0) == 0) {
    std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    if (cmdline.find("berth") != std::string::npos) {
      kill(pid, SIGTERM);
      for (int i = 0; i < 200 && kill(pid, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  berth::agent::AgentOptions ao;
  ao.data_dir = data_dir;
  ao.cluster = cluster->name;
  ao.bridge = cluster->bridge;
  ao.pod_cidr = cluster->pod_cidr;
  ao.service_cidr = cluster->service_cidr;
  berth::agent::Agent agent(ao);
  berth::Status s = agent.Destroy();
  std::error_code ec;
  fs::remove(data_dir + "/berth.pid", ec);
  if (!s.ok()) {
    std::cerr << "berth down: " << s.ToString() << "\n";
    return 1;
  }
  std::cerr << "berth down: cluster " << cluster->name << " removed from this host\n";
  return 0;
}

int RunImage(const std::string& data_dir, const std::string& action, const std::string& file) {
  auto store = berth::image::OpenImageStore(data_dir + "/image-store");
  if (!store.ok()) {
    std::cerr << "berth image: " << store.status().message() << "\n";
    return 1;
  }
  if (action == "import") {
    auto imported = (*store)->ImportArchive(file);
    if (!imported.ok()) {
      std::cerr << "berth image import: " << imported.status().message() << "\n";
      return 1;
    }
    for (const auto& img : *imported) std::cout << "imported " << img.reference << " " << img.id << "\n";
    return 0;
  }
  auto list = (*store)->List();
  if (!list.ok()) {
    std::cerr << "berth image ls: " << list.status().message() << "\n";
    return 1;
  }
  printf("%-50s %-20s %s\n", "REFERENCE", "IMAGE ID", "SIZE");
  for (const auto& img : *list) {
    std::string id = img.id.substr(img.id.find(':') + 1, 12);
    std::vector<std::string> names = img.tags.empty() ? std::vector<std::string>{img.reference} : img.tags;
    for (const auto& name : names)
      printf("%-50s %-20s %lld\n", name.c_str(), id.c_str(), static_cast<long long>(img.size));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // The per-container shim has its own argument syntax and must start fast.
  if (argc > 1 && strcmp(argv[1], "shim") == 0) return berth::runtime::RunShim(argc - 1, argv + 1);

  CLI::App app{"berth: a small, fast Kubernetes-compatible orchestrator"};
  app.require_subcommand(1);

  berth::apiserver::ServerOptions server_opts;
  CLI::App* server = app.add_subcommand("server", "Run the API server with its embedded store");
  server->add_option("--data-dir", server_opts.data_dir, "State directory (store, PKI, kubeconfig)")
      ->required();
  server->add_option("--listen", server_opts.listen, "HOST:PORT to serve HTTPS on")
      ->capture_default_str();
  server->add_option("--tls-san", server_opts.tls_sans, "Extra serving-certificate SAN (repeatable)");
  server->add_option("--worker-threads", server_opts.worker_threads, "Request worker threads")
      ->capture_default_str();
  server->add_option("--service-cidr", server_opts.service_cidr, "IPv4 CIDR of service cluster IPs")
      ->capture_default_str();
  server->add_option("--service-node-port-range", server_opts.service_node_port_range,
                     "FIRST-LAST ports of NodePort services")
      ->capture_default_str();
  server->add_option("--advertise-address", server_opts.advertise_address,
                     "IPv4 the `kubernetes` service's endpoints name (default: the --listen host)");
  ControlPlaneFlags cp_flags;
  AddControlPlaneFlags(server, &cp_flags);

  std::string controllers_kubeconfig;
  CLI::App* controllers = app.add_subcommand(
      "controllers", "Run the controllers and the scheduler against a remote API server");
  controllers->add_option("--kubeconfig", controllers_kubeconfig, "Admin kubeconfig")->required();
  controllers->add_option("--node-monitor-grace-period", cp_flags.node_grace_seconds,
                          "Seconds without a node Lease renewal before the node is NotReady")
      ->capture_default_str();

  berth::agent::AgentOptions agent_opts;
  CLI::App* agent = app.add_subcommand("agent", "Run a node agent that joins a cluster");
  agent->add_option("--server", agent_opts.server, "API server URL")->required();
  agent->add_option("--token-file", agent_opts.token_file, "Join token file (the server's pki/join.token)");
  agent->add_option("--data-dir", agent_opts.data_dir, "Agent state directory")->required();
  agent->add_option("--node-name", agent_opts.node_name, "Node name")->required();
  agent->add_option("--node-ip", agent_opts.node_ip, "Address the API server reaches the agent on")
      ->capture_default_str();
  agent->add_option("--cluster", agent_opts.cluster, "Cluster id used in host-level names")
      ->capture_default_str();
  agent->add_option("--bridge", agent_opts.bridge, "Pod bridge name")->capture_default_str();
  agent->add_option("--pod-cidr", agent_opts.pod_cidr, "This node's pod CIDR")->capture_default_str();
  agent->add_option("--service-cidr", agent_opts.service_cidr, "Service CIDR")->capture_default_str();
  agent->add_option("--runtime", agent_opts.runtime, "runc or fake")->capture_default_str();
  agent->add_option("--port", agent_opts.stream_port, "Port of the agent's logs endpoint (0: any)");
  agent->add_option("--node-lease-renew", agent_opts.lease_renew_seconds,
                    "Seconds between node Lease renewals")
      ->capture_default_str();
  agent->add_option("--insecure-registry", agent_opts.insecure_registries,
                    "Registry reachable over plain HTTP (repeatable)");

  UpFlags up_flags;
  CLI::App* up = app.add_subcommand("up", "Run a single-node cluster: server and agent in one process");
  up->add_option("--data-dir", up_flags.data_dir, "Cluster state directory")->required();
  up->add_option("--listen", up_flags.listen, "HOST:PORT of the API server")->capture_default_str();
  up->add_option("--pod-cidr", up_flags.pod_cidr, "Pod CIDR (default 10.88.0.0/16)");
  up->add_option("--service-cidr", up_flags.service_cidr, "Service CIDR (default 10.96.0.0/16)");
  up->add_option("--service-node-port-range", up_flags.node_port_range,
                 "FIRST-LAST ports of NodePort services")
      ->capture_default_str();
  up->add_option("--name", up_flags.name, "Cluster id for host-level names (default: from the data dir)");
  up->add_option("--node-name", up_flags.node_name, "Node name (default: the host name)");
  up->add_option("--insecure-registry", up_flags.insecure_registries,
                 "Registry reachable over plain HTTP (repeatable)");
  AddControlPlaneFlags(up, &cp_flags);

  std::string down_dir;
  CLI::App* down = app.add_subcommand("down", "Stop a cluster and remove everything it made on this host");
  down->add_option("--data-dir", down_dir, "Cluster state directory")->required();

  std::string image_dir, image_file;
  CLI::App* image = app.add_subcommand("image", "Manage the node's images");
  image->require_subcommand(1);
  CLI::App* image_import = image->add_subcommand("import", "Import an OCI or docker archive");
  image_import->add_option("--data-dir", image_dir, "Agent/cluster data directory")->required();
  image_import->add_option("file", image_file, "Archive (.tar)")->required();
  CLI::App* image_ls = image->add_subcommand("ls", "List images");
  image_ls->add_option("--data-dir", image_dir, "Agent/cluster data directory")->required();

  CLI11_PARSE(app, argc, argv);
  if (*server) return RunServer(server_opts, cp_flags);
  if (*controllers) return RunControllers(controllers_kubeconfig, cp_flags);
  if (*agent) return RunAgent(agent_opts);
  if (*up) return RunUp(up_flags, cp_flags);
  if (*down) return RunDown(down_dir);
  if (*image_import) return RunImage(image_dir, "import", image_file);
  if (*image_ls) return RunImage(image_dir, "ls", "");
  return 0;
}

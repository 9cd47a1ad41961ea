// berth: one binary, many subcommands. This file only wires CLI11 to the
// components; each subcommand's logic lives in its component.
#include <CLI/CLI.hpp>
#include <malloc.h>

#include <csignal>
#include <iostream>

#include "apiserver/server.h"

namespace {

int RunServer(const berth::apiserver::ServerOptions& opts) {
  // Many request threads would each get a glibc malloc arena and keep freed
  // list/watch buffers there; two arenas keep RSS close to the live data.
  mallopt(M_ARENA_MAX, 2);
  // Block the stop signals before any thread starts so they reach sigwait.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  berth::apiserver::Server server(opts);
  berth::Status st = server.Start();
  if (!st.ok()) {
    std::cerr << "berth server: " << st.message() << "\n";
    return 1;
  }
  std::cerr << "berth server: serving on " << server.url() << "; kubeconfig at "
            << opts.data_dir << "/kubeconfig\n";
  int sig = 0;
  sigwait(&set, &sig);
  std::cerr << "berth server: stopping\n";
  server.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
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

  CLI11_PARSE(app, argc, argv);
  if (*server) return RunServer(server_opts);
  return 0;
}

// Probe execution: exec (through the runtime), httpGet, tcpSocket and grpc (from the node to the pod's
// IP), with the probe's timeoutSeconds. Pure I/O helpers; the pod worker owns the timing
// (initialDelaySeconds, periodSeconds, success/failureThreshold).
#pragma once

#include <string>

#include "common/json.h"
#include "runtime/runtime.h"

namespace berth::agent {

struct ProbeResult {
  bool success = false;
  std::string message;  // why it failed, as the Unhealthy event says it
};

// Runs `probe` (a core/v1 Probe or LifecycleHandler object) against container `container_id`
// whose pod has IP `pod_ip`; named ports are looked up in `container`.
ProbeResult RunProbe(runtime::Runtime* rt, const std::string& container_id,
                     const json::object& probe, const json::object& container,
                     const std::string& pod_ip);

// An HTTP GET with a deadline; success for a 200-399 status. Exposed for tests.
ProbeResult HttpGetProbe(const std::string& host, int port, const std::string& path,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         std::chrono::milliseconds timeout);
ProbeResult TcpProbe(const std::string& host, int port, std::chrono::milliseconds timeout);

// A non-blocking TCP connect to an IPv4 `host` bounded by `deadline`: the connected (non-blocking)
// fd, or -1 with *err in Go's wording ("dial tcp 10.0.0.5:80: connect: connection refused").
int ConnectWithDeadline(const std::string& host, int port,
                        std::chrono::steady_clock::time_point deadline, std::string* err);

}  // namespace berth::agent

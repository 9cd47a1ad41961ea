// The grpc probe: one call of grpc.health.v1.Health/Check over cleartext HTTP/2 (prior
// knowledge, as the kubelet dials it), from the node to the pod's IP.
//
// Only what a health check needs is spoken: the client preface and SETTINGS, one request stream
// (HEADERS with literal, non-Huffman HPACK fields, then DATA with the HealthCheckRequest), and the
// server's SETTINGS/PING acknowledged. The verdict comes from the response message only
// (HealthCheckResponse.status == SERVING); response headers and trailers are not decoded, so a
// failed RPC (no message) is reported as a failure without its grpc-status.
// Thread-safety: a pure function of its arguments; blocks up to `timeout`.
#pragma once

#include <chrono>
#include <string>

#include "agent/probes.h"

namespace berth::agent {

ProbeResult GrpcHealthProbe(const std::string& host, int port, const std::string& service,
                            std::chrono::milliseconds timeout);

// The request bytes the probe sends (preface, SETTINGS, HEADERS, DATA); exposed for tests.
std::string GrpcHealthRequestBytes(const std::string& authority, const std::string& service);

}  // namespace berth::agent

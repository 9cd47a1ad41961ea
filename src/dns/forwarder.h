// Forwarder: relays a query for a name outside the cluster to upstream DNS servers over UDP.
//
// Forward() tries the upstreams in turn (starting at a rotating index), each with its own
// timeout, on a fresh connected UDP socket with a random query ID; it accepts only a reply from
// that upstream with that ID and the same question count, and returns it with the client's
// original ID restored. It blocks the calling thread for at most
// upstreams.size() * timeout.
//
// Errors: InvalidArgument-ish BadRequest for a packet shorter than a header; ServiceUnavailable
// when no upstream answered in time. Thread-safe; no state beyond the rotation counter.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace berth::dns {

// Parses "ip:port" (IPv4) into a socket address.
StatusOr<sockaddr_in> ParseHostPort(const std::string& text);

class Forwarder {
 public:
  Forwarder(std::vector<sockaddr_in> upstreams, std::chrono::milliseconds timeout);

  bool empty() const { return upstreams_.empty(); }
  StatusOr<std::string> Forward(std::string_view query);

 private:
  std::vector<sockaddr_in> upstreams_;
  std::chrono::milliseconds timeout_;
  std::atomic<uint32_t> next_{0};
};

}  // namespace berth::dns

#include "agent/grpc_probe.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace berth::agent {
namespace {

using Ms = std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr uint8_t kData = 0x0, kHeaders = 0x1, kRstStream = 0x3, kSettings = 0x4, kPing = 0x6,
                  kGoAway = 0x7;
constexpr uint8_t kEndStream = 0x1, kAck = 0x1, kEndHeaders = 0x4, kPadded = 0x8,
                  kPriority = 0x20;
constexpr uint32_t kStream = 1;

std::string Frame(uint8_t type, uint8_t flags, uint32_t stream, const std::string& payload) {
  std::string f;
  size_t n = payload.size();
  f += static_cast<char>((n >> 16) & 0xff);
  f += static_cast<char>((n >> 8) & 0xff);
  f += static_cast<char>(n & 0xff);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8) f += static_cast<char>((stream >> shift) & 0xff);
  return f + payload;
}

// HPACK integer with an N-bit prefix (RFC 7541 5.1); `high` holds the bits above the prefix.
void PutInt(std::string& out, uint8_t high, int prefix_bits, size_t v) {
  size_t max = (1u << prefix_bits) - 1;
  if (v < max) {
    out += static_cast<char>(high | v);
    return;
  }
  out += static_cast<char>(high | max);
  v -= max;
  while (v >= 128) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void PutString(std::string& out, const std::string& s) {  // never Huffman-coded
  PutInt(out, 0x00, 7, s.size());
  out += s;
}

// Literal header field without indexing: a static-table name index, or 0 and a new name.
void PutField(std::string& out, size_t name_index, const std::string& name, const std::string& value) {
  PutInt(out, 0x00, 4, name_index);
  if (name_index == 0) PutString(out, name);
  PutString(out, value);
}

bool SendAll(int fd, const std::string& data, SteadyTime deadline) {
  size_t sent = 0;
  while (sent < data.size()) {
    auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    ssize_t w = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN && errno != EINTR) return false;
    if (w > 0) sent += static_cast<size_t>(w);
  }
  return true;
}

// Reads a protobuf varint at `pos`; false if truncated.
bool Varint(const std::string& s, size_t& pos, uint64_t* v) {
  *v = 0;
  for (int shift = 0; pos < s.size() && shift < 64; shift += 7) {
    auto b = static_cast<uint8_t>(s[pos++]);
    *v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

// HealthCheckResponse.status (field 1, varint); 0 (UNKNOWN) when absent; -1 if malformed.
int64_t HealthStatus(const std::string& msg) {
  int64_t status = 0;
  size_t pos = 0;
  while (pos < msg.size()) {
    uint64_t key, v;
    if (!Varint(msg, pos, &key)) return -1;
    switch (key & 7) {
      case 0:
        if (!Varint(msg, pos, &v)) return -1;
        if ((key >> 3) == 1) status = static_cast<int64_t>(v);
        break;
      case 1: pos += 8; break;
      case 5: pos += 4; break;
      case 2:
        if (!Varint(msg, pos, &v) || v > msg.size() - std::min(pos, msg.size())) return -1;
        pos += v;
        break;
      default: return -1;
    }
  }
  return pos == msg.size() ? status : -1;
}

std::string StatusName(int64_t s) {
  switch (s) {
    case 0: return "UNKNOWN";
    case 1: return "SERVING";
    case 2: return "NOT_SERVING";
    case 3: return "SERVICE_UNKNOWN";
    default: return std::to_string(s);
  }
}

}  // namespace

std::string GrpcHealthRequestBytes(const std::string& authority, const std::string& service) {
  std::string headers;
  headers += static_cast<char>(0x83);  // :method POST (static index 3)
  headers += static_cast<char>(0x86);  // :scheme http (static index 6)
  PutField(headers, 4, "", "/grpc.health.v1.Health/Check");
  PutField(headers, 1, "", authority);
  PutField(headers, 31, "", "application/grpc");
  PutField(headers, 58, "", "kube-probe/1.32");
  PutField(headers, 0, "te", "trailers");
  std::string request;  // HealthCheckRequest{service = 1}
  if (!service.empty()) {
    request += '\x0a';
    PutInt(request, 0x00, 7, service.size());
    request += service;
  }
  std::string message(1, '\0');  // uncompressed, then the 4-byte big-endian length
  for (int shift = 24; shift >= 0; shift -= 8)
    message += static_cast<char>((request.size() >> shift) & 0xff);
  message += request;
  return std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + Frame(kSettings, 0, 0, "") +
         Frame(kHeaders, kEndHeaders, kStream, headers) +
         Frame(kData, kEndStream, kStream, message);
}

ProbeResult GrpcHealthProbe(const std::string& host, int port, const std::string& service,
                            Ms timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string target = host + ":" + std::to_string(port);
  std::string within = std::to_string(std::max<int64_t>(1, timeout.count() / 1000)) + "s";
  std::string err;
  int fd = ConnectWithDeadline(host, port, deadline, &err);
  if (fd < 0)
    return {false, "timeout: failed to connect service \"" + target + "\" within " + within +
                       ": " + err};
  auto fail = [&](const std::string& why) -> ProbeResult {
    close(fd);
    return {false, why};
  };
  if (!SendAll(fd, GrpcHealthRequestBytes(target, service), deadline))
    return fail("timeout: health rpc did not complete within " + within);

  std::string in, data;
  bool done = false;
  char buf[4096];
  while (!done) {
    // Whole frames first.
    while (in.size() >= 9) {
      size_t len = (static_cast<uint8_t>(in[0]) << 16) | (static_cast<uint8_t>(in[1]) << 8) |
                   static_cast<uint8_t>(in[2]);
      if (in.size() < 9 + len) break;
      auto type = static_cast<uint8_t>(in[3]);
      auto flags = static_cast<uint8_t>(in[4]);
      uint32_t stream = ((static_cast<uint8_t>(in[5]) & 0x7f) << 24) |
                        (static_cast<uint8_t>(in[6]) << 16) | (static_cast<uint8_t>(in[7]) << 8) |
                        static_cast<uint8_t>(in[8]);
      std::string payload = in.substr(9, len);
      in.erase(0, 9 + len);
      if (type == kSettings && !(flags & kAck)) {
        if (!SendAll(fd, Frame(kSettings, kAck, 0, ""), deadline)) return fail("write failed");
      } else if (type == kPing && !(flags & kAck)) {
        if (!SendAll(fd, Frame(kPing, kAck, 0, payload), deadline)) return fail("write failed");
      } else if (type == kGoAway) {
        done = true;
      } else if (type == kRstStream && stream == kStream) {
        return fail("rpc error: stream reset by the server");
      } else if ((type == kData || type == kHeaders) && stream == kStream) {
        size_t pad = 0, skip = 0;
        if ((flags & kPadded) && !payload.empty()) {
          pad = static_cast<uint8_t>(payload[0]);
          skip = 1;
        }
        if (type == kHeaders && (flags & kPriority)) skip += 5;
        if (type == kData && skip + pad <= payload.size())
          data += payload.substr(skip, payload.size() - skip - pad);
        if (flags & kEndStream) done = true;
      }
    }
    if (done) break;
    auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return fail("timeout: health rpc did not complete within " + within);
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (r <= 0) break;  // closed: judge what arrived
    in.append(buf, static_cast<size_t>(r));
  }
  close(fd);
  if (data.size() < 5) return {false, "rpc error: no health response from " + target};
  if (data[0] != 0) return {false, "rpc error: compressed health response not supported"};
  size_t n = (static_cast<uint8_t>(data[1]) << 24) | (static_cast<uint8_t>(data[2]) << 16) |
             (static_cast<uint8_t>(data[3]) << 8) | static_cast<uint8_t>(data[4]);
  if (data.size() < 5 + n) return {false, "rpc error: truncated health response"};
  int64_t status = HealthStatus(data.substr(5, n));
  if (status < 0) return {false, "rpc error: malformed health response"};
  if (status == 1) return {true, ""};
  return {false, "service unhealthy (responded with \"" + StatusName(status) + "\")"};
}

}  // namespace berth::agent

// The HTTP-level request/response types shared by the server and handlers.
// Handlers run on a worker pool (they may block on the store); they answer
// through a Responder exactly once, either with a whole Response or by
// starting a chunked stream (watch, log follow).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace berth::apiserver {

// Identity proven by the TLS layer (a verified client certificate).
struct PeerIdentity {
  bool verified = false;
  std::string common_name;
  std::vector<std::string> organizations;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target ("/api/v1/pods?limit=500")
  std::string path;    // percent-decoded path, no query
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  PeerIdentity peer;
  std::string remote_address;

  // First value of a query parameter, or nullopt.
  std::optional<std::string> Query(const std::string& name) const;
  // All values of a repeated query parameter (exec's command=...).
  std::vector<std::string> QueryAll(const std::string& name) const;
  // A header value (lower-case name), or "".
  std::string Header(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Warning, ...)
};

// A chunked response in progress. Thread-safe: Write may be called from any
// thread; chunks are sent in call order. After the client goes away Write
// returns false and the on-close callback has run (or will run).
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  virtual bool Write(std::string chunk) = 0;
  // Ends the stream (last chunk). Further writes are ignored.
  virtual void Close() = 0;
  virtual bool closed() const = 0;
  // Called once, on any thread, when the stream ends for whatever reason
  // (client disconnect, Close, server shutdown). Set before writing.
  virtual void OnClose(std::function<void()> cb) = 0;
};

// A connection taken over by a handler (WebSocket upgrades); defined in http/hijack.h.
struct HijackedConnection;

class Responder {
 public:
  virtual ~Responder() = default;
  // Hands the connection to `cb` (run on a worker thread, may block for the connection's life).
  // Nothing else may be sent on this responder afterwards.
  virtual void Hijack(std::function<void(HijackedConnection)> cb) = 0;
  virtual void Send(Response r) = 0;
  virtual std::shared_ptr<StreamWriter> StartStream(
      int status, std::string content_type,
      std::vector<std::pair<std::string, std::string>> headers = {}) = 0;
};

// The application behind the HTTP server. Handle runs on a worker thread.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual void Handle(Request req, std::shared_ptr<Responder> responder) = 0;
};

// Percent-decodes a URL component ('+' is kept literally in paths; decoded to
// space in query values).
std::string PercentDecode(std::string_view s, bool plus_is_space);
// Splits a request target into path and query parameters.
void ParseTarget(const std::string& target, std::string* path,
                 std::multimap<std::string, std::string>* query);

}  // namespace berth::apiserver

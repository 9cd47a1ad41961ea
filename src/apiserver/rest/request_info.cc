#include "apiserver/rest/request_info.h"

#include <sstream>

namespace berth::apiserver {

namespace {
std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}
}  // namespace

RequestInfo ParseRequestInfo(const Request& req) {
  RequestInfo info;
  info.path = req.path;
  std::vector<std::string> parts = Split(req.path);
  if (parts.empty() || (parts[0] != "api" && parts[0] != "apis")) return info;
  info.api_prefix = parts[0];
  size_t i = 1;
  if (info.api_prefix == "apis") {
    if (parts.size() < 3) return info;  // /apis or /apis/<group>: discovery
    info.group = parts[1];
    info.version = parts[2];
    i = 3;
  } else {
    if (parts.size() < 2) return info;  // /api
    info.version = parts[1];
    i = 2;
  }
  if (i >= parts.size()) return info;  // group-version discovery document
  info.is_resource = true;

  bool watch_prefix = false;
  if (parts[i] == "watch") {
    watch_prefix = true;
    ++i;
  }
  std::vector<std::string> rest(parts.begin() + static_cast<long>(i), parts.end());
  if (rest.empty()) {
    info.is_resource = false;
    return info;
  }
  if (rest[0] == "namespaces" && rest.size() > 1) {
    info.namespace_ = rest[1];
    // namespaces/<name>/status and /finalize are subresources of the namespace itself.
    if (rest.size() > 2 && rest[2] != "status" && rest[2] != "finalize") {
      rest.erase(rest.begin(), rest.begin() + 2);
    }
  }
  info.resource = rest[0];
  if (rest.size() > 1) info.name = rest[1];
  if (rest.size() > 2) info.subresource = rest[2];
  if (rest.size() > 3) info.parts.assign(rest.begin() + 3, rest.end());
  if (info.resource == "namespaces") {
    // For the namespace kind, the object name is the "namespace" segment.
    info.name = info.namespace_;
    info.namespace_.clear();
    if (rest.size() > 2) info.subresource = rest[2];
  }

  const std::string& m = req.method;
  if (watch_prefix) {
    info.verb = "watch";
  } else if (m == "GET" || m == "HEAD") {
    auto w = req.Query("watch");
    bool watch = w && (*w == "true" || *w == "1");
    if (watch) {
      info.verb = "watch";
    } else {
      info.verb = info.name.empty() ? "list" : "get";
    }
  } else if (m == "POST") {
    info.verb = "create";
  } else if (m == "PUT") {
    info.verb = "update";
  } else if (m == "PATCH") {
    info.verb = "patch";
  } else if (m == "DELETE") {
    info.verb = info.name.empty() ? "deletecollection" : "delete";
  } else {
    info.verb = m;
  }
  return info;
}

}  // namespace berth::apiserver

// LocalClient: client::Interface served in-process by an ApiServer — the control plane's
// controllers and scheduler use it inside `berth server`. A call builds the same Request an HTTPS
// client would send and runs it through ApiServer::Handle on the caller's thread, so
// authentication, authorization, validation, defaulting and the store's semantics are exactly
// those of the network path; only sockets, TLS and HTTP framing are skipped.
//
// The caller acts as a verified client certificate of `user` in group system:masters.
// Watches: the server's chunked stream is delivered through an in-memory queue; ending the watch
// (stop flag, on_event returning false) closes the stream, which cancels the store watch.
//
// Thread-safe; every call may block on the store.
#pragma once

#include <string>

#include "apiserver/http/request.h"
#include "client/interface.h"

namespace berth::apiserver {

class LocalClient : public client::Interface {
 public:
  // `handler` must outlive the client. `user_agent` names the caller (the default field manager).
  LocalClient(HttpHandler* handler, std::string user_agent,
              std::string user = "system:kube-controller-manager");

  StatusOr<json::value> Get(const std::string& path) override;
  StatusOr<json::value> Create(const std::string& collection_path,
                               const json::value& object) override;
  StatusOr<json::value> Update(const std::string& path, const json::value& object) override;
  StatusOr<json::value> Patch(const std::string& path, const json::value& patch,
                              client::PatchType type = client::PatchType::kMerge) override;
  Status Delete(const std::string& path, const json::value& options = {}) override;
  Status Watch(const std::string& path_with_query,
               const std::function<bool(const std::string& type, json::value& object)>& on_event,
               const std::atomic<bool>* stop) override;

 private:
  Request MakeRequest(const std::string& method, const std::string& target, std::string body,
                      const std::string& content_type) const;
  StatusOr<json::value> Call(const std::string& method, const std::string& target,
                             std::string body, const std::string& content_type);

  HttpHandler* handler_;
  std::string user_agent_;
  std::string user_;
};

}  // namespace berth::apiserver

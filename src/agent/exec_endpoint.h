// The agent's exec endpoint (what the kubelet serves at /exec): a WebSocket speaking kubectl's
// channel protocol (v5.channel.k8s.io, also v4 and the older channel.k8s.io and
// base64.channel.k8s.io, see exec_protocol.h): channel 0 stdin, 1 stdout, 2 stderr, 3 the final
// Status (exit code), 4 terminal resize; v5's [0xff, 0] closes stdin.
//
//   GET /exec/<namespace>/<pod>/<container>?command=..&command=..&stdin=&stdout=&stderr=&tty=
//
// The session runs on the request's worker thread for its whole life.
#pragma once

#include <memory>

#include "agent/agent_context.h"
#include "apiserver/http/request.h"

namespace berth::agent {

void ServeExec(AgentContext* ctx, const apiserver::Request& req, const std::string& ns,
               const std::string& pod, const std::string& container,
               std::shared_ptr<apiserver::Responder> responder);

// The runtime id of the newest running attempt of a pod's container; NotFound/BadRequest with
// kubectl's wording otherwise.
StatusOr<std::string> RunningContainerId(AgentContext* ctx, const std::string& ns,
                                         const std::string& pod, const std::string& container);

}  // namespace berth::agent

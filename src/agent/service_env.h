// Service environment variables (the docker-link style variables the kubelet injects): for each
// Service with a cluster IP in the pod's namespace (when spec.enableServiceLinks is not false)
// and always for the API server's own `kubernetes` Service in `default`:
//   <NAME>_SERVICE_HOST=<ip>  <NAME>_SERVICE_PORT=<first port>  <NAME>_SERVICE_PORT_<PORTNAME>=<p>
//   <NAME>_PORT=<proto>://<ip>:<first port>
//   <NAME>_PORT_<p>_<PROTO>=<proto>://<ip>:<p>  ..._PROTO=<proto>  ..._PORT=<p>  ..._ADDR=<ip>
// where NAME is the Service name upper-cased with '-' as '_'.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"

namespace berth::agent {

// `namespace_services`: the Services of the pod's namespace (items of a ServiceList; ignored when
// `enable_service_links` is false). `master`: default/kubernetes, or null. Returns NAME=value
// entries grouped by Service (sorted by name); a namespace Service named like `master` wins.
std::vector<std::string> ServiceEnvironment(const json::array* namespace_services,
                                            const json::object* master,
                                            bool enable_service_links);

}  // namespace berth::agent

// Encoding of berth::Status as a Kubernetes meta/v1 Status object and HTTP
// response. Every refusal the API server makes goes through here.
#pragma once

#include <boost/json.hpp>

#include "apiserver/http/request.h"
#include "common/status.h"

namespace berth::apiserver {

boost::json::object StatusToJson(const Status& s);
// A JSON response carrying the Status with its HTTP code.
Response StatusResponse(const Status& s);
// {"kind":"Status","status":"Success",...} used by some deletes.
boost::json::object SuccessStatus(const std::string& name, const std::string& group,
                                  const std::string& kind, const std::string& uid);

}  // namespace berth::apiserver

// WriteHook: a kind-specific step inside ResourceHandler's write path, for
// kinds whose objects hold resources the server hands out (Services: cluster
// IPs and node ports, see services/service_allocator.h). The generic path
// calls, for a type with a hook:
//   update:  PrepareForUpdate(obj, old)   before defaulting and validation
//   create/update: BeginWrite(obj, old)   after validation and managedFields,
//            right before the store write (also for dry runs); the returned
//            reservation is Commit()ed once the store write succeeded and
//            simply destroyed otherwise (dry run, conflict, no change), which
//            gives back what it reserved
//   delete:  AfterDelete(obj)             once the object left the store
// Implementations are thread-safe; BeginWrite's errors are Kubernetes Status
// values (422 Invalid with causes, 500 when a pool is exhausted) and leave
// nothing reserved.
#pragma once

#include <boost/json.hpp>
#include <memory>

#include "common/status.h"

namespace berth::apiserver {

class WriteReservation {
 public:
  virtual ~WriteReservation() = default;  // uncommitted: releases what was reserved
  virtual void Commit() = 0;
};

class WriteHook {
 public:
  virtual ~WriteHook() = default;
  virtual void PrepareForUpdate(boost::json::object& obj, const boost::json::object& old) = 0;
  virtual StatusOr<std::unique_ptr<WriteReservation>> BeginWrite(
      boost::json::object& obj, const boost::json::object* old) = 0;
  virtual void AfterDelete(const boost::json::object& obj) = 0;
};

}  // namespace berth::apiserver

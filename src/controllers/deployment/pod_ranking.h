// Which pods a ReplicaSet deletes first when it scales down (kube's ActivePods ordering): pods
// not yet on a node, then Pending before Unknown before Running, not-ready before ready, more
// recently ready first, more restarts first, younger first. Pure functions, thread-safe.
#pragma once

#include <vector>

#include "controller/informer.h"

namespace berth::controllers::deployutil {

// True when `a` should be deleted before `b`.
bool DeleteBefore(const json::object& a, const json::object& b);
// The `n` pods of `pods` to delete first.
std::vector<controller::ObjectPtr> PodsToDelete(std::vector<controller::ObjectPtr> pods, size_t n);

}  // namespace berth::controllers::deployutil

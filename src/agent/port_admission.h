// Host-port admission: the kubelet's check, when a pod first reaches the node, that the host
// ports its containers ask for are not already held by another pod on the node.
//
// A pod that conflicts is rejected by the agent: its status becomes phase Failed with reason
// "NodePorts" (the kubelet's admission failure) and no container of it ever runs, so its
// controller (e.g. a StatefulSet) replaces it. Pods bound by the scheduler never conflict (its
// NodePorts filter); pods with spec.nodeName set directly can.
//
// Pure functions over pod JSON; no state, safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"

namespace berth::agent {

struct HostPortUse {
  std::string ip;        // "" or "0.0.0.0" = every address of the node
  std::string protocol;  // TCP (default), UDP, SCTP
  int port = 0;
};

// The host ports the pod's containers request (ports with hostPort > 0).
std::vector<HostPortUse> HostPortsOf(const json::object& pod);

// True if some port of `a` collides with one of `b`: same port and protocol, and the addresses
// overlap (equal, or either is the wildcard).
bool HostPortsConflict(const std::vector<HostPortUse>& a, const std::vector<HostPortUse>& b);

}  // namespace berth::agent

// PodInfo: what the scheduler needs of a Pod, parsed once from its JSON and immutable after.
// Parsing never fails: malformed parts are ignored the way an invalid object could not have
// passed API validation anyway (a malformed selector matches nothing).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/selector/label_selector.h"
#include "common/json.h"
#include "scheduler/node_selector.h"
#include "scheduler/resources.h"
#include "scheduler/taints.h"

namespace berth::scheduler {

struct PodInfo;

struct HostPort {
  std::string protocol;  // "TCP" when unset
  std::string ip;        // "0.0.0.0" when unset
  int port = 0;
  // Same protocol and port, and equal addresses or one of them is 0.0.0.0.
  bool ConflictsWith(const HostPort& o) const;
};

// A required or preferred pod (anti-)affinity term.
struct PodAffinityTerm {
  api::selector::LabelSelector selector = api::selector::LabelSelector::Nothing();
  // Namespaces the term looks at: `namespaces`, or the owner pod's namespace when both
  // namespaces and namespaceSelector are empty; namespaceSelector {} means every namespace.
  // (A non-empty namespaceSelector is not evaluated: namespace labels are not in the snapshot.)
  std::vector<std::string> namespaces;
  bool all_namespaces = false;
  std::string topology_key;
  int weight = 0;  // preferred terms only

  // Whether `other` is a pod this term selects.
  bool Matches(const PodInfo& other) const;
};

struct TopologySpreadConstraint {
  int max_skew = 1;
  std::string topology_key;
  bool do_not_schedule = true;  // whenUnsatisfiable: DoNotSchedule (else ScheduleAnyway)
  api::selector::LabelSelector selector = api::selector::LabelSelector::Nothing();
  int min_domains = 1;
  bool honor_node_affinity = true;  // nodeAffinityPolicy (default Honor)
  bool honor_node_taints = false;   // nodeTaintsPolicy (default Ignore)
};

struct PodInfo {
  std::string ns, name, uid;
  std::string node_name;  // spec.nodeName ("" when unscheduled)
  std::map<std::string, std::string> labels;
  bool terminating = false;  // metadata.deletionTimestamp set

  Resources requests;               // effective requests (see PodRequests)
  int64_t non_zero_milli_cpu = 0;   // scoring figures (defaults for request-less containers)
  int64_t non_zero_memory = 0;

  std::map<std::string, std::string> node_selector;
  std::optional<NodeSelector> required_node_affinity;
  std::vector<PreferredSchedulingTerm> preferred_node_affinity;
  std::vector<Toleration> tolerations;
  std::vector<HostPort> host_ports;

  std::vector<PodAffinityTerm> required_affinity, required_anti_affinity;
  std::vector<PodAffinityTerm> preferred_affinity, preferred_anti_affinity;
  std::vector<TopologySpreadConstraint> spread_constraints;

  bool HasPodAffinity() const {
    return !required_affinity.empty() || !required_anti_affinity.empty() ||
           !preferred_affinity.empty() || !preferred_anti_affinity.empty();
  }
  // nodeSelector and required node affinity both hold for a node.
  bool MatchesNodeSelectorAndAffinity(const std::map<std::string, std::string>& node_labels,
                                      const std::string& node_name) const;
};

std::shared_ptr<const PodInfo> ParsePod(const json::object& pod);

}  // namespace berth::scheduler

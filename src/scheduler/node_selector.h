// Node selection terms of pod specs: spec.nodeSelector and nodeAffinity's NodeSelectorTerms
// (matchExpressions over labels, matchFields over metadata.name). Immutable values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "api/selector/label_selector.h"
#include "common/json.h"

namespace berth::scheduler {

// One matchFields entry; only metadata.name with In / NotIn is meaningful (as in kube).
struct FieldRequirement {
  bool in = true;  // In (true) or NotIn (false)
  std::vector<std::string> values;
  bool valid = true;
};

// A NodeSelectorTerm: all expressions and fields must match. An empty term (or one with an
// unknown operator) matches no node, as in kube.
struct NodeSelectorTerm {
  std::vector<api::selector::LabelRequirement> expressions;
  std::vector<FieldRequirement> fields;
  bool valid = true;

  bool Matches(const std::map<std::string, std::string>& labels,
               const std::string& node_name) const;
};

// Terms are ORed.
struct NodeSelector {
  std::vector<NodeSelectorTerm> terms;
  bool Matches(const std::map<std::string, std::string>& labels,
               const std::string& node_name) const;
};

struct PreferredSchedulingTerm {
  int weight = 0;
  NodeSelectorTerm preference;
};

NodeSelectorTerm ParseNodeSelectorTerm(const json::value& term);
NodeSelector ParseNodeSelector(const json::value& selector);  // {nodeSelectorTerms: [...]}

}  // namespace berth::scheduler

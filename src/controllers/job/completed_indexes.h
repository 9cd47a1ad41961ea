// Indexed Jobs' completion-index sets and their status text ("1,3-5,7", the format of
// status.completedIndexes and status.failedIndexes). Pure functions, thread-safe.
#pragma once

#include <set>
#include <string>

namespace berth::controllers {

// Parses "1,3-5,7"; malformed pieces and indexes >= `completions` are skipped (as Kubernetes
// does when completions shrink).
std::set<int> ParseIndexes(const std::string& text, int completions);
// The compact text of `indexes`: each run of consecutive indexes becomes "a-b" (a single one
// "a"), runs joined by ",", ascending — as Kubernetes prints them.
std::string FormatIndexes(const std::set<int>& indexes);

}  // namespace berth::controllers

#include "scheduler/framework.h"

#include <algorithm>

namespace berth::scheduler {

void CycleState::Write(std::string_view key, std::unique_ptr<StateData> data) {
  for (auto& [k, d] : data_) {
    if (k == key) {
      d = std::move(data);
      return;
    }
  }
  data_.emplace_back(key, std::move(data));
}

void PluginRegistry::AddFilter(std::shared_ptr<const FilterPlugin> plugin) {
  filters_.push_back(std::move(plugin));
}

void PluginRegistry::AddScore(std::shared_ptr<const ScorePlugin> plugin, int weight) {
  scores_.push_back(WeightedScore{std::move(plugin), weight});
}

void DefaultNormalizeScore(int64_t max_score, bool reverse, std::vector<int64_t>& scores) {
  int64_t max = 0;
  for (int64_t s : scores) max = std::max(max, s);
  if (max == 0) {
    if (reverse) std::fill(scores.begin(), scores.end(), max_score);
    return;
  }
  for (int64_t& s : scores) {
    s = max_score * s / max;
    if (reverse) s = max_score - s;
  }
}

}  // namespace berth::scheduler

#include "api/patch/list_order.h"

#include <algorithm>
#include <limits>

#include "api/patch/json_equal.h"

namespace berth::api::patch {

namespace {

constexpr size_t kAbsent = std::numeric_limits<size_t>::max();

size_t PositionIn(const std::vector<const json::value*>& list, const json::value* id) {
  if (id == nullptr) return kAbsent;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i] != nullptr && JsonEqual(*list[i], *id)) return i;
  }
  return kAbsent;
}

struct Ranked {
  json::value value;
  size_t wanted_pos;
  size_t server_pos;
};

}  // namespace

json::array OrderMergedList(json::array merged, const IdentityFn& identity,
                            const std::vector<const json::value*>& wanted,
                            const std::vector<const json::value*>& server) {
  std::vector<Ranked> patch_items;
  std::vector<Ranked> server_only;
  for (json::value& v : merged) {
    const json::value* id = identity(v);
    Ranked r{json::value(), PositionIn(wanted, id), PositionIn(server, id)};
    r.value = std::move(v);
    (r.wanted_pos != kAbsent ? patch_items : server_only).push_back(std::move(r));
  }
  std::stable_sort(patch_items.begin(), patch_items.end(),
                   [](const Ranked& a, const Ranked& b) { return a.wanted_pos < b.wanted_pos; });
  // Items the target never had (kAbsent) sort last, keeping their merged order.
  std::stable_sort(server_only.begin(), server_only.end(),
                   [](const Ranked& a, const Ranked& b) { return a.server_pos < b.server_pos; });

  json::array result;
  result.reserve(patch_items.size() + server_only.size());
  size_t i = 0;  // server_only
  size_t j = 0;  // patch_items
  while (i < server_only.size() || j < patch_items.size()) {
    bool take_server;
    if (j >= patch_items.size()) {
      take_server = true;
    } else if (i >= server_only.size()) {
      take_server = false;
    } else {
      const size_t left = server_only[i].server_pos;
      const size_t right = patch_items[j].server_pos;
      take_server = left != kAbsent && right != kAbsent && left < right;
    }
    if (take_server) {
      result.push_back(std::move(server_only[i++].value));
    } else {
      result.push_back(std::move(patch_items[j++].value));
    }
  }
  return result;
}

}  // namespace berth::api::patch

#include "apiserver/services/allocation_pool.h"

namespace berth::apiserver::services {

bool AllocationPool::Reserve(uint64_t item, const std::string& owner) {
  if (item >= size_) return false;
  auto [it, inserted] = entries_.try_emplace(item);
  if (!inserted && it->second.owner != owner) return false;
  it->second.owner = owner;
  ++it->second.pending;
  by_owner_[owner].insert(item);
  return true;
}

std::optional<uint64_t> AllocationPool::ReserveNext(const std::string& owner, uint64_t lo,
                                                    uint64_t hi, const std::set<uint64_t>& skip,
                                                    std::mt19937_64& rng) {
  if (hi > size_) hi = size_;
  if (lo >= hi) return std::nullopt;
  uint64_t n = hi - lo;
  uint64_t start = std::uniform_int_distribution<uint64_t>(0, n - 1)(rng);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t item = lo + (start + i) % n;
    if (entries_.count(item) || skip.count(item)) continue;
    Reserve(item, owner);
    return item;
  }
  return std::nullopt;
}

void AllocationPool::Commit(uint64_t item, const std::string& owner) {
  auto it = entries_.find(item);
  if (it == entries_.end() || it->second.owner != owner) return;
  it->second.committed = true;
  if (it->second.pending > 0) --it->second.pending;
}

void AllocationPool::Abort(uint64_t item, const std::string& owner) {
  auto it = entries_.find(item);
  if (it == entries_.end() || it->second.owner != owner) return;
  if (it->second.pending > 0) --it->second.pending;
  FreeIfUnused(item);
}

bool AllocationPool::Restore(uint64_t item, const std::string& owner) {
  if (item >= size_) return false;
  auto [it, inserted] = entries_.try_emplace(item);
  if (!inserted && it->second.owner != owner) return false;
  it->second.owner = owner;
  it->second.committed = true;
  by_owner_[owner].insert(item);
  return true;
}

void AllocationPool::Unhold(uint64_t item, const std::string& owner) {
  auto it = entries_.find(item);
  if (it == entries_.end() || it->second.owner != owner) return;
  it->second.committed = false;
  FreeIfUnused(item);
}

void AllocationPool::ReleaseOwner(const std::string& owner) {
  auto o = by_owner_.find(owner);
  if (o == by_owner_.end()) return;
  std::set<uint64_t> items = o->second;
  for (uint64_t item : items) Unhold(item, owner);
}

std::string AllocationPool::OwnerOf(uint64_t item) const {
  auto it = entries_.find(item);
  return it == entries_.end() ? "" : it->second.owner;
}

void AllocationPool::FreeIfUnused(uint64_t item) {
  auto it = entries_.find(item);
  if (it == entries_.end() || it->second.committed || it->second.pending > 0) return;
  auto o = by_owner_.find(it->second.owner);
  if (o != by_owner_.end()) {
    o->second.erase(item);
    if (o->second.empty()) by_owner_.erase(o);
  }
  entries_.erase(it);
}

}  // namespace berth::apiserver::services

// AllocationPool: who holds which item of a numbered range (cluster IP
// offsets, node ports). An item is held by one owner (a Service's uid) and is
// in two states at once: `committed` (a stored object holds it) and `pending`
// (a count of in-flight writes that reserved it and have not finished).
// It is free again only when neither holds it, so a write that fails can give
// back its reservation without freeing what a concurrent write of the same
// object just committed.
//
//   Reserve -> Commit (store write done)   or   Reserve -> Abort (write failed)
//   Restore (rebuild from the store), Unhold (the stored object let it go),
//   ReleaseOwner (the object was deleted).
//
// Not thread-safe: ServiceAllocator calls it under its mutex.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>

namespace berth::apiserver::services {

class AllocationPool {
 public:
  // Items are 0..size-1 (callers map them onto addresses or ports).
  explicit AllocationPool(uint64_t size) : size_(size) {}

  // Takes `item` for `owner` (a pending reservation). False when another
  // owner holds it. The same owner may reserve an item it holds again.
  bool Reserve(uint64_t item, const std::string& owner);
  // Reserves a free item of [lo, hi) for `owner`, starting the scan at a
  // random place (like kube, so names do not predict addresses); items in
  // `skip` are never taken. nullopt when none is free.
  std::optional<uint64_t> ReserveNext(const std::string& owner, uint64_t lo, uint64_t hi,
                                      const std::set<uint64_t>& skip, std::mt19937_64& rng);
  // The write that reserved `item` stored it / failed.
  void Commit(uint64_t item, const std::string& owner);
  void Abort(uint64_t item, const std::string& owner);
  // Marks `item` committed to `owner` (an object read from the store). False
  // when another owner holds it already.
  bool Restore(uint64_t item, const std::string& owner);
  // The stored object of `owner` no longer holds `item`.
  void Unhold(uint64_t item, const std::string& owner);
  // Every item of `owner` is no longer stored (its object was deleted).
  void ReleaseOwner(const std::string& owner);

  // The owner holding `item`, or "" when it is free.
  std::string OwnerOf(uint64_t item) const;
  uint64_t used() const { return entries_.size(); }
  uint64_t size() const { return size_; }

 private:
  struct Entry {
    std::string owner;
    bool committed = false;
    int pending = 0;
  };
  void FreeIfUnused(uint64_t item);

  uint64_t size_;
  std::unordered_map<uint64_t, Entry> entries_;
  std::unordered_map<std::string, std::set<uint64_t>> by_owner_;
};

}  // namespace berth::apiserver::services

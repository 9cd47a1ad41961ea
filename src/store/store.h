// Store: berth's storage seam. A versioned key-value store with one global,
// monotonic revision, compare-and-swap writes and ordered watches — the
// semantics the Kubernetes API needs (see shared/docs/store-notes.md).
//
// Contract for every implementation (checked by tests/store/conformance):
//  * Every successful Create/Update/Delete gets the next revision; revisions
//    start at 1 and never go back, also across restarts.
//  * A write is acknowledged (the call returns) only once it is durable: it
//    survives a kill -9 of the process at any instant after the return.
//  * Reads at revision 0 see every acknowledged write. Reads at revision R > 0
//    see the state right after revision R; R below the compacted revision gives
//    Reason::kExpired, R above the current revision gives Reason::kTimeout
//    ("Too large resource version").
//  * Watch delivers every event with revision > from_revision under the
//    prefix, in revision order, with no gaps, exactly once; deletes carry the
//    last value. Starting below the oldest revision still retained gives
//    Reason::kExpired.
//  * All methods are safe to call concurrently from any thread. Write calls
//    block the caller until durable; reads do not block on writes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace berth::store {

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;  // revision that created this incarnation of the key
  int64_t mod_revision = 0;     // revision of the last write to the key
};

struct ListResult {
  std::vector<KeyValue> kvs;  // sorted by key
  int64_t revision = 0;       // the store revision the list was read at
  bool more = false;          // true when `limit` cut the result short
  int64_t remaining = 0;      // how many keys matched after the last returned one
};

struct Event {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  // For kPut: the new value. For kDelete: key, the value before deletion, and
  // mod_revision = the revision of the delete.
  KeyValue kv;
  // The value before this event (absent for a create).
  std::optional<KeyValue> prev;
};

// A running watch. Destroying it (or calling Cancel) stops delivery; after
// Cancel returns the callback is not running and will not be called again.
class Watch {
 public:
  virtual ~Watch() = default;
  virtual void Cancel() = 0;
};

// Called with batches of events in revision order. It runs on a store-owned
// thread and must not block or call back into the store's write methods.
// An empty batch with `progress_revision` set is a progress notification:
// every event up to that revision has been delivered.
using WatchCallback =
    std::function<void(const std::vector<Event>& events, int64_t progress_revision)>;

// Optional guard for Update/Delete: the write happens only if the current
// mod_revision equals `expected_revision` (0 = unconditional).
struct WriteOptions {
  int64_t expected_revision = 0;
};

// A write that was refused because of `expected_revision` returns
// Reason::kConflict; its Status message names the key. Writes to a missing key
// (Update/Delete) return Reason::kNotFound; Create of an existing key returns
// Reason::kAlreadyExists.
class Store {
 public:
  virtual ~Store() = default;

  // The value of `key` at `revision` (0 = latest).
  virtual StatusOr<KeyValue> Get(const std::string& key, int64_t revision = 0) = 0;

  // Keys starting with `prefix`, from `start_key` (inclusive; empty = from the
  // prefix), at most `limit` of them (0 = all), at `revision` (0 = latest).
  virtual StatusOr<ListResult> List(const std::string& prefix, const std::string& start_key,
                                    int64_t limit, int64_t revision = 0) = 0;

  // Creates `key`; returns the new revision.
  virtual StatusOr<int64_t> Create(const std::string& key, const std::string& value) = 0;

  // Replaces the value of an existing key; returns the new revision.
  virtual StatusOr<int64_t> Update(const std::string& key, const std::string& value,
                                   WriteOptions opts = {}) = 0;

  // Deletes an existing key; returns the revision of the delete.
  virtual StatusOr<int64_t> Delete(const std::string& key, WriteOptions opts = {}) = 0;

  // Streams events under `prefix` with revision > `from_revision` (0 = from
  // now on). Returns kExpired when from_revision is older than what is kept.
  virtual StatusOr<std::unique_ptr<Watch>> WatchPrefix(const std::string& prefix,
                                                       int64_t from_revision,
                                                       WatchCallback callback) = 0;

  // Forgets history at or below `revision`; later reads below it give kExpired.
  virtual Status Compact(int64_t revision) = 0;

  // The latest revision (of the last acknowledged write).
  virtual int64_t CurrentRevision() = 0;

  // The oldest revision still readable (compacted revision + 1).
  virtual int64_t OldestRevision() = 0;
};

}  // namespace berth::store

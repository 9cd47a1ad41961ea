// SqliteStore: berth's embedded, durable implementation of store::Store
// (src/store/store.h) on one SQLite file.
//
// Layout on disk (WAL mode, synchronous=FULL, so a commit is fsynced before it
// is acknowledged):
//   log(rev INTEGER PRIMARY KEY, key BLOB, value BLOB, create_rev, prev_rev,
//       deleted)   -- append-only, one row per revision; a delete is a
//                     tombstone row carrying the deleted value. prev_rev is
//                     the row this one supersedes (0 for a create).
//   meta(name, value) -- "compact_rev" (reads/watches below it fail with
//                     kExpired) and "max_rev" (the revision at the last
//                     compaction, so revisions never go back even when the
//                     newest rows are compacted away).
//
// Threads and data flow:
//  * One writer thread owns all writes. Create/Update/Delete enqueue a request
//    and block until it is durable. The writer drains the queue, checks each
//    request against the committed state plus the earlier requests of the same
//    batch, assigns consecutive revisions, and commits the whole batch in one
//    transaction (group commit: one fsync for many writes). Then it publishes
//    the batch to the in-memory state and the event ring, wakes the notifier,
//    and only then completes the callers. If the commit fails, every write of
//    the batch fails with kInternalError and no revision is consumed.
//  * In memory: the current value of every key (ordered map; values are shared,
//    immutable strings, also referenced by the event ring, so a value is held
//    once) and a ring of the most recent events bounded by
//    Options::ring_max_events and Options::ring_max_bytes. Get/List at the
//    latest revision (or at exactly CurrentRevision()) never touch SQLite.
//    Reads at older revisions run SQL on a pool of read connections, inside a
//    read transaction that re-checks the compacted revision.
//  * One notifier thread delivers watch events in revision order: from the
//    ring, or — when a watcher is behind the ring (started from an old
//    revision, or too slow) — from the SQLite log in chunks. Slow callbacks
//    delay other watchers but never the writer.
//  * Compaction runs on the writer thread, between batches. The compacted
//    revision (what reads see) moves at once; rows are physically deleted only
//    up to the oldest position of a live watcher, so a watcher that is catching
//    up from SQLite never sees a gap. A watcher that never catches up therefore
//    holds back physical (not logical) compaction.
//
// Watch callbacks: receive batches of events in revision order; for a
// non-empty batch `progress_revision` is the revision up to which the watcher
// is now complete (>= the last event's revision). Empty batches are progress
// notifications, sent every Options::progress_interval while the watcher is
// idle and up to date. A callback may call any read method, Cancel any watch
// (including its own) and even write (which stalls all deliveries until the
// write is durable). Cancel() from another thread waits for a running
// callback of that watch to return; Cancel() from inside any callback returns
// at once. After Cancel returns, the callback is never invoked again.
//
// Errors: kNotFound / kAlreadyExists / kConflict for refused writes (the
// message names the key), kExpired below the compacted revision, kTimeout for
// revisions above the current one, kInternalError for SQLite failures,
// kServiceUnavailable for writes after shutdown has started.
//
// Thread-safety: all methods are safe to call concurrently. The destructor
// finishes queued writes, stops the threads, and must not race with other
// calls. Watch handles may outlive the store.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace berth::store {

class SqliteStore : public Store {
 public:
  struct Options {
    // The event ring serves watches without SQLite. It keeps at most this many
    // events, and at most about this many bytes of keys+values.
    size_t ring_max_events = 100000;
    size_t ring_max_bytes = 32u << 20;
    // Idle, up-to-date watchers get an empty progress batch this often
    // (zero disables progress notifications).
    std::chrono::milliseconds progress_interval{1000};
    // Automatic compaction: every `auto_compact_interval`, compact to
    // CurrentRevision() - auto_compact_keep_revisions. Zero interval = off.
    std::chrono::milliseconds auto_compact_interval{0};
    int64_t auto_compact_keep_revisions = 10000;
    // Upper bound on the writes committed in one transaction.
    size_t max_batch = 1000;
  };

  // Opens or creates the database file at `path` (its directory must exist)
  // and loads the current state. kInternalError when SQLite fails.
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path, Options options);
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path) {
    return Open(path, Options());
  }

  ~SqliteStore() override;

  StatusOr<KeyValue> Get(const std::string& key, int64_t revision = 0) override;
  StatusOr<ListResult> List(const std::string& prefix, const std::string& start_key,
                            int64_t limit, int64_t revision = 0) override;
  StatusOr<int64_t> Create(const std::string& key, const std::string& value) override;
  StatusOr<int64_t> Update(const std::string& key, const std::string& value,
                           WriteOptions opts = {}) override;
  StatusOr<int64_t> Delete(const std::string& key, WriteOptions opts = {}) override;
  StatusOr<std::unique_ptr<Watch>> WatchPrefix(const std::string& prefix, int64_t from_revision,
                                               WatchCallback callback) override;
  Status Compact(int64_t revision) override;
  int64_t CurrentRevision() override;
  int64_t OldestRevision() override;

  // Asks every watcher for a progress notification as soon as it is up to
  // date, regardless of progress_interval.
  void RequestProgress();

  // Number of keys currently stored (for metrics and tests).
  size_t KeyCount();

  class Impl;

 private:
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth::store

#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/sqlite/sqlite_db.h"

namespace berth::store {
namespace {

using Clock = std::chrono::steady_clock;
// Values are immutable once written; the current-state map, the event ring and
// in-flight batches share them instead of copying.
using Value = std::shared_ptr<const std::string>;

struct Entry {
  Value value;
  int64_t create_rev = 0;
  int64_t mod_rev = 0;
};

// One revision's change, as kept in the ring. For a delete, `value` and
// `create_rev` describe the deleted incarnation.
struct RingEvent {
  int64_t rev = 0;
  std::string key;
  Value value;
  int64_t create_rev = 0;
  bool deleted = false;
  bool has_prev = false;
  Value prev_value;
  int64_t prev_create_rev = 0;
  int64_t prev_mod_rev = 0;
};

Event ToEvent(const RingEvent& r) {
  Event e;
  e.type = r.deleted ? Event::Type::kDelete : Event::Type::kPut;
  e.kv = KeyValue{r.key, *r.value, r.create_rev, r.rev};
  if (r.has_prev) e.prev = KeyValue{r.key, *r.prev_value, r.prev_create_rev, r.prev_mod_rev};
  return e;
}

bool HasPrefix(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// The smallest string greater than every string starting with `prefix`;
// nullopt when there is none (empty prefix or all 0xff bytes).
std::optional<std::string> PrefixEnd(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return std::nullopt;
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

Status KeyStatus(Reason reason, const std::string& key, const std::string& what) {
  Status st(reason, "key \"" + key + "\" " + what);
  st.mutable_details().name = key;
  return st;
}

Status TooLarge(int64_t rev, int64_t current) {
  return Status(Reason::kTimeout, "Too large resource version: " + std::to_string(rev) +
                                      ", current: " + std::to_string(current));
}

Status Expired(int64_t rev, int64_t compacted) {
  return Status(Reason::kExpired, "The resourceVersion for the provided request is too old: " +
                                      std::to_string(rev) + " is compacted (compacted revision " +
                                      std::to_string(compacted) + ")");
}

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS log(
  rev INTEGER PRIMARY KEY,
  key BLOB NOT NULL,
  value BLOB NOT NULL,
  create_rev INTEGER NOT NULL,
  prev_rev INTEGER NOT NULL,
  deleted INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS log_key_rev ON log(key, rev);
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
)sql";

// The newest row per key in a key range at or below a revision, tombstones
// excluded. ?1 lower key, ?2 upper key (exclusive, NULL = none), ?3 revision.
#define BERTH_LATEST_ROWS(lower_op)                                                     \
  "SELECT l.key, l.value, l.create_rev, l.rev FROM log l WHERE l.rev IN ("             \
  "SELECT MAX(rev) FROM log WHERE key " lower_op " ?1 AND (?2 IS NULL OR key < ?2) "   \
  "AND rev <= ?3 GROUP BY key) AND l.deleted = 0"

constexpr const char* kListAtSql = BERTH_LATEST_ROWS(">=") " ORDER BY l.key LIMIT ?4";
constexpr const char* kCountAfterSql = "SELECT COUNT(*) FROM (" BERTH_LATEST_ROWS(">") ")";
#undef BERTH_LATEST_ROWS

// State shared between the store's notifier and a Watch handle, which may
// outlive the store.
struct WatcherState {
  std::string prefix;
  std::optional<std::string> prefix_end;
  std::thread::id notifier_id;
  std::atomic<bool> cancelled{false};
  // Every event up to this revision has been handled (delivered or skipped).
  std::atomic<int64_t> delivered{0};
  std::mutex cb_mu;  // held while the callback runs
  WatchCallback cb;  // guarded by cb_mu; reset on Cancel
  Clock::time_point last_sent;  // notifier thread only
};

class WatchHandle : public Watch {
 public:
  explicit WatchHandle(std::shared_ptr<WatcherState> s) : s_(std::move(s)) {}
  ~WatchHandle() override { Cancel(); }
  void Cancel() override {
    s_->cancelled.store(true);
    // On the notifier thread no callback of this watch can be running except
    // the caller itself (all callbacks run on that thread), so do not wait.
    if (std::this_thread::get_id() == s_->notifier_id) return;
    std::lock_guard<std::mutex> l(s_->cb_mu);
    s_->cb = nullptr;  // drop captured state here, not on the notifier thread
  }

 private:
  std::shared_ptr<WatcherState> s_;
};

struct WriteRequest {
  enum class Op { kCreate, kUpdate, kDelete, kCompact };
  Op op = Op::kCreate;
  std::string key;
  std::string value;
  int64_t expected = 0;  // kUpdate/kDelete guard; the target for kCompact
  std::promise<StatusOr<int64_t>> done;
};

}  // namespace

class SqliteStore::Impl {
 public:
  Impl(std::string path, Options opts) : path_(std::move(path)), opts_(opts) {}
  ~Impl() { Shutdown(); }

  Status Init();
  void Start();
  void Shutdown();

  StatusOr<KeyValue> Get(const std::string& key, int64_t revision);
  StatusOr<ListResult> List(const std::string& prefix, const std::string& start_key,
                            int64_t limit, int64_t revision);
  StatusOr<int64_t> Submit(WriteRequest::Op op, const std::string& key, std::string value,
                           int64_t expected);
  StatusOr<std::unique_ptr<Watch>> WatchPrefix(const std::string& prefix, int64_t from,
                                               WatchCallback cb);
  int64_t current() const { return current_rev_.load(); }
  int64_t compacted() const { return compact_rev_.load(); }
  void RequestProgress() {
    std::lock_guard<std::mutex> l(w_mu_);
    progress_requested_ = true;
    n_wake_ = true;
    n_cv_.notify_one();
  }
  size_t KeyCount() {
    std::shared_lock<std::shared_mutex> l(state_mu_);
    return kv_.size();
  }

 private:
  // Reads on a pooled connection.
  StatusOr<SqliteDb> AcquireReader();
  void ReleaseReader(SqliteDb db);
  StatusOr<KeyValue> GetAt(const std::string& key, int64_t revision);
  StatusOr<ListResult> ListAt(const std::string& lower, const std::optional<std::string>& upper,
                              int64_t limit, int64_t revision);
  Status CheckCompacted(SqliteDb& db, int64_t revision);

  // Writer thread.
  void WriterLoop();
  void CommitWrites(std::vector<WriteRequest*>& reqs);
  void RunCompaction(WriteRequest* req);
  Status CompactTo(int64_t logical);
  Status WriteMeta(const char* name, int64_t value);

  // Notifier thread.
  void NotifierLoop();
  bool Serve(WatcherState& w, bool progress_requested, Clock::time_point now);
  Status ReadLogChunk(const WatcherState& w, int64_t after, int64_t upto,
                      std::vector<Event>* events, int64_t* covered);
  void WakeNotifier() {
    std::lock_guard<std::mutex> l(w_mu_);
    n_wake_ = true;
    n_cv_.notify_one();
  }

  const std::string path_;
  const Options opts_;

  // Writer connection and its statements: writer thread only (and Init).
  SqliteDb wdb_;
  SqliteStmt insert_;
  int64_t physical_rev_ = 0;  // rows at or below it have been compacted

  std::mutex pool_mu_;
  std::vector<SqliteDb> pool_;

  // Published state. Mutated only by the writer thread, under state_mu_.
  std::shared_mutex state_mu_;
  std::map<std::string, Entry, std::less<>> kv_;
  std::deque<RingEvent> ring_;  // revisions ring_first_rev_ .. current_rev_
  int64_t ring_first_rev_ = 1;
  size_t ring_bytes_ = 0;
  std::atomic<int64_t> current_rev_{0};
  std::atomic<int64_t> compact_rev_{0};

  std::mutex q_mu_;
  std::condition_variable q_cv_;
  std::deque<WriteRequest*> queue_;
  bool stopping_ = false;
  std::thread writer_;

  std::mutex w_mu_;
  std::condition_variable n_cv_;
  std::vector<std::shared_ptr<WatcherState>> watchers_;
  bool n_wake_ = false;
  bool n_stop_ = false;
  bool progress_requested_ = false;
  std::thread notifier_;
  std::thread::id notifier_id_;
  bool started_ = false;
};

// ---------------------------------------------------------------- open/close

Status SqliteStore::Impl::Init() {
  StatusOr<SqliteDb> db = SqliteDb::Open(path_, true);
  if (!db.ok()) return db.status();
  wdb_ = std::move(*db);
  BERTH_RETURN_IF_ERROR(wdb_.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
  BERTH_RETURN_IF_ERROR(wdb_.Exec(kSchema));

  auto meta = [&](const char* name) -> StatusOr<int64_t> {
    StatusOr<SqliteStmt> st = wdb_.Prepare("SELECT value FROM meta WHERE name = ?1");
    if (!st.ok()) return st.status();
    st->BindBlob(1, name);
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    return *row ? st->Int(0) : int64_t{0};
  };
  StatusOr<int64_t> compact = meta("compact_rev");
  StatusOr<int64_t> physical = meta("physical_rev");
  StatusOr<int64_t> max_rev = meta("max_rev");
  if (!compact.ok()) return compact.status();
  if (!physical.ok()) return physical.status();
  if (!max_rev.ok()) return max_rev.status();

  StatusOr<SqliteStmt> top = wdb_.Prepare("SELECT COALESCE(MAX(rev), 0) FROM log");
  if (!top.ok()) return top.status();
  StatusOr<bool> row = top->Step();
  if (!row.ok()) return row.status();
  int64_t current = std::max(*max_rev, top->Int(0));

  StatusOr<SqliteStmt> load = wdb_.Prepare(
      "SELECT l.key, l.value, l.create_rev, l.rev FROM log l WHERE l.rev IN "
      "(SELECT MAX(rev) FROM log GROUP BY key) AND l.deleted = 0");
  if (!load.ok()) return load.status();
  while (true) {
    StatusOr<bool> r = load->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    Entry e{std::make_shared<const std::string>(load->Blob(1)), load->Int(2), load->Int(3)};
    kv_.emplace(load->Blob(0), std::move(e));
  }

  StatusOr<SqliteStmt> ins = wdb_.Prepare(
      "INSERT INTO log(rev, key, value, create_rev, prev_rev, deleted) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  if (!ins.ok()) return ins.status();
  insert_ = std::move(*ins);

  current_rev_ = current;
  compact_rev_ = *compact;
  physical_rev_ = *physical;
  ring_first_rev_ = current + 1;
  return Status::Ok();
}

void SqliteStore::Impl::Start() {
  notifier_ = std::thread([this] { NotifierLoop(); });
  notifier_id_ = notifier_.get_id();
  writer_ = std::thread([this] { WriterLoop(); });
  started_ = true;
}

void SqliteStore::Impl::Shutdown() {
  if (!started_) return;
  started_ = false;
  {
    std::lock_guard<std::mutex> l(q_mu_);
    stopping_ = true;
  }
  q_cv_.notify_all();
  writer_.join();
  {
    std::lock_guard<std::mutex> l(w_mu_);
    n_stop_ = true;
  }
  n_cv_.notify_all();
  notifier_.join();
}

// --------------------------------------------------------------------- reads

StatusOr<SqliteDb> SqliteStore::Impl::AcquireReader() {
  {
    std::lock_guard<std::mutex> l(pool_mu_);
    if (!pool_.empty()) {
      SqliteDb db = std::move(pool_.back());
      pool_.pop_back();
      return db;
    }
  }
  return SqliteDb::Open(path_, false);
}

void SqliteStore::Impl::ReleaseReader(SqliteDb db) {
  std::lock_guard<std::mutex> l(pool_mu_);
  if (pool_.size() < 8) pool_.push_back(std::move(db));
}

// Inside a read transaction: fails with kExpired when `revision` has been
// compacted, as seen by the same snapshot the caller reads next.
Status SqliteStore::Impl::CheckCompacted(SqliteDb& db, int64_t revision) {
  StatusOr<SqliteStmt> st = db.Prepare("SELECT value FROM meta WHERE name = 'compact_rev'");
  if (!st.ok()) return st.status();
  StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  int64_t compacted = *row ? st->Int(0) : 0;
  if (revision < compacted) return Expired(revision, compacted);
  return Status::Ok();
}

StatusOr<KeyValue> SqliteStore::Impl::Get(const std::string& key, int64_t revision) {
  {
    std::shared_lock<std::shared_mutex> l(state_mu_);
    int64_t cur = current_rev_.load();
    if (revision > cur) return TooLarge(revision, cur);
    if (revision == 0 || revision == cur) {
      auto it = kv_.find(key);
      if (it == kv_.end()) return KeyStatus(Reason::kNotFound, key, "not found");
      return KeyValue{key, *it->second.value, it->second.create_rev, it->second.mod_rev};
    }
  }
  if (revision < compact_rev_.load()) return Expired(revision, compact_rev_.load());
  return GetAt(key, revision);
}

StatusOr<KeyValue> SqliteStore::Impl::GetAt(const std::string& key, int64_t revision) {
  StatusOr<SqliteDb> db = AcquireReader();
  if (!db.ok()) return db.status();
  StatusOr<KeyValue> result = [&]() -> StatusOr<KeyValue> {
    BERTH_RETURN_IF_ERROR(db->Exec("BEGIN"));
    Status checked = CheckCompacted(*db, revision);
    if (!checked.ok()) return checked;
    StatusOr<SqliteStmt> st = db->Prepare(
        "SELECT value, create_rev, rev, deleted FROM log WHERE key = ?1 AND rev <= ?2 "
        "ORDER BY rev DESC LIMIT 1");
    if (!st.ok()) return st.status();
    st->BindBlob(1, key);
    st->BindInt(2, revision);
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row || st->Int(3) != 0) return KeyStatus(Reason::kNotFound, key, "not found");
    return KeyValue{key, st->Blob(0), st->Int(1), st->Int(2)};
  }();
  if (sqlite3_get_autocommit(db->get()) == 0) (void)db->Exec("COMMIT");
  ReleaseReader(std::move(*db));
  return result;
}

StatusOr<ListResult> SqliteStore::Impl::List(const std::string& prefix,
                                             const std::string& start_key, int64_t limit,
                                             int64_t revision) {
  const std::string& lower = start_key.empty() || start_key < prefix ? prefix : start_key;
  std::optional<std::string> upper = PrefixEnd(prefix);
  {
    std::shared_lock<std::shared_mutex> l(state_mu_);
    int64_t cur = current_rev_.load();
    if (revision > cur) return TooLarge(revision, cur);
    if (revision == 0 || revision == cur) {
      ListResult out;
      out.revision = cur;
      for (auto it = kv_.lower_bound(lower); it != kv_.end() && HasPrefix(it->first, prefix);
           ++it) {
        if (limit > 0 && static_cast<int64_t>(out.kvs.size()) == limit) {
          out.more = true;
          ++out.remaining;
          continue;
        }
        out.kvs.push_back(
            KeyValue{it->first, *it->second.value, it->second.create_rev, it->second.mod_rev});
      }
      return out;
    }
  }
  if (revision < compact_rev_.load()) return Expired(revision, compact_rev_.load());
  return ListAt(lower, upper, limit, revision);
}

StatusOr<ListResult> SqliteStore::Impl::ListAt(const std::string& lower,
                                               const std::optional<std::string>& upper,
                                               int64_t limit, int64_t revision) {
  StatusOr<SqliteDb> db = AcquireReader();
  if (!db.ok()) return db.status();
  auto bind = [&](SqliteStmt& st, const std::string& lo) {
    st.BindBlob(1, lo);
    if (upper) {
      st.BindBlob(2, *upper);
    } else {
      st.BindNull(2);
    }
    st.BindInt(3, revision);
  };
  StatusOr<ListResult> result = [&]() -> StatusOr<ListResult> {
    BERTH_RETURN_IF_ERROR(db->Exec("BEGIN"));
    Status checked = CheckCompacted(*db, revision);
    if (!checked.ok()) return checked;
    ListResult out;
    out.revision = revision;
    StatusOr<SqliteStmt> st = db->Prepare(kListAtSql);
    if (!st.ok()) return st.status();
    bind(*st, lower);
    st->BindInt(4, limit > 0 ? limit : -1);
    while (true) {
      StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.kvs.push_back(KeyValue{st->Blob(0), st->Blob(1), st->Int(2), st->Int(3)});
    }
    if (limit > 0 && static_cast<int64_t>(out.kvs.size()) == limit) {
      StatusOr<SqliteStmt> count = db->Prepare(kCountAfterSql);
      if (!count.ok()) return count.status();
      bind(*count, out.kvs.back().key);
      StatusOr<bool> row = count->Step();
      if (!row.ok()) return row.status();
      out.remaining = count->Int(0);
      out.more = out.remaining > 0;
    }
    return out;
  }();
  if (sqlite3_get_autocommit(db->get()) == 0) (void)db->Exec("COMMIT");
  ReleaseReader(std::move(*db));
  return result;
}

// -------------------------------------------------------------------- writes

StatusOr<int64_t> SqliteStore::Impl::Submit(WriteRequest::Op op, const std::string& key,
                                            std::string value, int64_t expected) {
  WriteRequest req;
  req.op = op;
  req.key = key;
  req.value = std::move(value);
  req.expected = expected;
  std::future<StatusOr<int64_t>> fut = req.done.get_future();
  {
    std::lock_guard<std::mutex> l(q_mu_);
    if (stopping_) return Status(Reason::kServiceUnavailable, "store is shutting down");
    queue_.push_back(&req);
  }
  q_cv_.notify_one();
  return fut.get();
}

void SqliteStore::Impl::WriterLoop() {
  Clock::time_point next_auto = Clock::now() + opts_.auto_compact_interval;
  while (true) {
    std::vector<WriteRequest*> batch;
    {
      std::unique_lock<std::mutex> l(q_mu_);
      auto ready = [&] { return stopping_ || !queue_.empty(); };
      if (opts_.auto_compact_interval.count() > 0) {
        q_cv_.wait_until(l, next_auto, ready);
      } else {
        q_cv_.wait(l, ready);
      }
      if (stopping_ && queue_.empty()) break;
      while (!queue_.empty() && batch.size() < opts_.max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    // Writes are committed in runs; a compaction request splits the runs so
    // every request is handled in arrival order.
    std::vector<WriteRequest*> run;
    for (WriteRequest* r : batch) {
      if (r->op == WriteRequest::Op::kCompact) {
        CommitWrites(run);
        run.clear();
        RunCompaction(r);
      } else {
        run.push_back(r);
      }
    }
    CommitWrites(run);
    if (opts_.auto_compact_interval.count() > 0 && Clock::now() >= next_auto) {
      next_auto = Clock::now() + opts_.auto_compact_interval;
      int64_t target = current_rev_.load() - opts_.auto_compact_keep_revisions;
      if (target > compact_rev_.load()) (void)CompactTo(target);
    }
  }
}

void SqliteStore::Impl::CommitWrites(std::vector<WriteRequest*>& reqs) {
  if (reqs.empty()) return;
  // Keys written earlier in this batch: nullopt = deleted by the batch.
  std::unordered_map<std::string, std::optional<Entry>> overlay;
  std::vector<std::optional<StatusOr<int64_t>>> results(reqs.size());
  std::vector<RingEvent> events;
  std::vector<int64_t> prev_revs;
  const int64_t first = current_rev_.load() + 1;
  int64_t next = first;

  for (size_t i = 0; i < reqs.size(); ++i) {
    WriteRequest& r = *reqs[i];
    const Entry* cur = nullptr;
    if (auto o = overlay.find(r.key); o != overlay.end()) {
      cur = o->second ? &*o->second : nullptr;
    } else if (auto it = kv_.find(r.key); it != kv_.end()) {
      cur = &it->second;  // the writer is kv_'s only mutator: no lock needed to read
    }
    if (r.op == WriteRequest::Op::kCreate && cur) {
      results[i] = KeyStatus(Reason::kAlreadyExists, r.key, "already exists");
      continue;
    }
    if (r.op != WriteRequest::Op::kCreate) {
      if (!cur) {
        results[i] = KeyStatus(Reason::kNotFound, r.key, "not found");
        continue;
      }
      if (r.expected != 0 && cur->mod_rev != r.expected) {
        results[i] = KeyStatus(Reason::kConflict, r.key,
                               "has been modified: mod revision " + std::to_string(cur->mod_rev) +
                                   ", expected " + std::to_string(r.expected));
        continue;
      }
    }
    RingEvent ev;
    ev.rev = next++;
    ev.key = r.key;
    if (cur) {
      ev.has_prev = true;
      ev.prev_value = cur->value;
      ev.prev_create_rev = cur->create_rev;
      ev.prev_mod_rev = cur->mod_rev;
    }
    if (r.op == WriteRequest::Op::kDelete) {
      ev.deleted = true;
      ev.value = cur->value;
      ev.create_rev = cur->create_rev;
      overlay[r.key] = std::nullopt;
    } else {
      ev.value = std::make_shared<const std::string>(std::move(r.value));
      ev.create_rev = cur ? cur->create_rev : ev.rev;
      overlay[r.key] = Entry{ev.value, ev.create_rev, ev.rev};
    }
    prev_revs.push_back(cur ? cur->mod_rev : 0);
    results[i] = ev.rev;
    events.push_back(std::move(ev));
  }

  Status committed;
  if (!events.empty()) {
    committed = wdb_.Exec("BEGIN IMMEDIATE");
    for (size_t i = 0; committed.ok() && i < events.size(); ++i) {
      const RingEvent& ev = events[i];
      insert_.Reset();
      insert_.BindInt(1, ev.rev);
      insert_.BindBlob(2, ev.key);
      insert_.BindBlob(3, *ev.value);
      insert_.BindInt(4, ev.create_rev);
      insert_.BindInt(5, prev_revs[i]);
      insert_.BindInt(6, ev.deleted ? 1 : 0);
      committed = insert_.Run();
    }
    insert_.Reset();
    if (committed.ok()) committed = wdb_.Exec("COMMIT");
    if (!committed.ok() && sqlite3_get_autocommit(wdb_.get()) == 0) {
      (void)wdb_.Exec("ROLLBACK");
    }
  }

  if (committed.ok() && !events.empty()) {
    std::unique_lock<std::shared_mutex> l(state_mu_);
    for (auto& [key, entry] : overlay) {
      if (entry) {
        kv_.insert_or_assign(key, std::move(*entry));
      } else {
        kv_.erase(key);
      }
    }
    for (RingEvent& ev : events) {
      ring_bytes_ += sizeof(RingEvent) + ev.key.size() + ev.value->size();
      ring_.push_back(std::move(ev));
    }
    while (!ring_.empty() &&
           (ring_.size() > opts_.ring_max_events || ring_bytes_ > opts_.ring_max_bytes)) {
      ring_bytes_ -= sizeof(RingEvent) + ring_.front().key.size() + ring_.front().value->size();
      ring_.pop_front();
      ++ring_first_rev_;
    }
    current_rev_.store(next - 1);
    l.unlock();
    WakeNotifier();
  }

  for (size_t i = 0; i < reqs.size(); ++i) {
    StatusOr<int64_t> res = std::move(*results[i]);
    if (!committed.ok() && res.ok()) res = committed;
    reqs[i]->done.set_value(std::move(res));
  }
}

void SqliteStore::Impl::RunCompaction(WriteRequest* req) {
  int64_t target = req->expected;
  int64_t cur = current_rev_.load();
  Status st;
  if (target > cur) {
    st = TooLarge(target, cur);
  } else if (target > compact_rev_.load()) {
    st = CompactTo(target);
  }
  if (st.ok()) {
    req->done.set_value(target);
  } else {
    req->done.set_value(st);
  }
}

Status SqliteStore::Impl::WriteMeta(const char* name, int64_t value) {
  StatusOr<SqliteStmt> st =
      wdb_.Prepare("INSERT INTO meta(name, value) VALUES(?1, ?2) "
                   "ON CONFLICT(name) DO UPDATE SET value = excluded.value");
  if (!st.ok()) return st.status();
  st->BindBlob(1, name);
  st->BindInt(2, value);
  return st->Run();
}

Status SqliteStore::Impl::CompactTo(int64_t logical) {
  // Rows are removed only up to the oldest live watcher's position: such a
  // watcher may still read the log. The logical revision moves regardless,
  // under w_mu_ so that no new watcher can start below it afterwards.
  int64_t physical = logical;
  {
    std::lock_guard<std::mutex> l(w_mu_);
    for (const auto& w : watchers_) {
      if (!w->cancelled.load()) physical = std::min(physical, w->delivered.load());
    }
    compact_rev_.store(logical);
  }
  physical = std::max(physical, physical_rev_);
  Status st = wdb_.Exec("BEGIN IMMEDIATE");
  if (st.ok() && physical > physical_rev_) {
    // Rows superseded by a row at or below `physical` (found through prev_rev
    // of the rows added since the last compaction), then tombstones.
    StatusOr<SqliteStmt> del = wdb_.Prepare(
        "DELETE FROM log WHERE rev IN "
        "(SELECT prev_rev FROM log WHERE rev > ?1 AND rev <= ?2 AND prev_rev > 0)");
    st = del.ok() ? Status::Ok() : del.status();
    if (st.ok()) {
      del->BindInt(1, physical_rev_);
      del->BindInt(2, physical);
      st = del->Run();
    }
    if (st.ok()) {
      StatusOr<SqliteStmt> tomb =
          wdb_.Prepare("DELETE FROM log WHERE rev > ?1 AND rev <= ?2 AND deleted = 1");
      st = tomb.ok() ? Status::Ok() : tomb.status();
      if (st.ok()) {
        tomb->BindInt(1, physical_rev_);
        tomb->BindInt(2, physical);
        st = tomb->Run();
      }
    }
  }
  if (st.ok()) st = WriteMeta("compact_rev", logical);
  if (st.ok()) st = WriteMeta("physical_rev", physical);
  if (st.ok()) st = WriteMeta("max_rev", current_rev_.load());
  if (st.ok()) st = wdb_.Exec("COMMIT");
  if (!st.ok()) {
    if (sqlite3_get_autocommit(wdb_.get()) == 0) (void)wdb_.Exec("ROLLBACK");
    return st;
  }
  physical_rev_ = physical;
  return Status::Ok();
}

// ------------------------------------------------------------------- watches

StatusOr<std::unique_ptr<Watch>> SqliteStore::Impl::WatchPrefix(const std::string& prefix,
                                                                int64_t from,
                                                                WatchCallback cb) {
  auto w = std::make_shared<WatcherState>();
  w->prefix = prefix;
  w->prefix_end = PrefixEnd(prefix);
  w->notifier_id = notifier_id_;
  w->cb = std::move(cb);
  w->last_sent = Clock::now();
  {
    std::lock_guard<std::mutex> l(w_mu_);
    int64_t compacted = compact_rev_.load();
    if (from != 0 && from < compacted) return Expired(from, compacted);
    w->delivered = from == 0 ? current_rev_.load() : from;
    watchers_.push_back(w);
    n_wake_ = true;
  }
  n_cv_.notify_one();
  return std::unique_ptr<Watch>(std::make_unique<WatchHandle>(std::move(w)));
}

void SqliteStore::Impl::NotifierLoop() {
  const auto interval = opts_.progress_interval;
  const auto wait = interval.count() > 0 ? std::min(interval, std::chrono::milliseconds(250))
                                         : std::chrono::milliseconds(1000);
  while (true) {
    std::vector<std::shared_ptr<WatcherState>> snapshot;
    bool progress = false;
    {
      std::unique_lock<std::mutex> l(w_mu_);
      n_cv_.wait_for(l, wait, [&] { return n_stop_ || n_wake_; });
      if (n_stop_) return;
      n_wake_ = false;
      std::erase_if(watchers_, [](const auto& w) { return w->cancelled.load(); });
      snapshot = watchers_;
      progress = std::exchange(progress_requested_, false);
    }
    bool behind = false;
    Clock::time_point now = Clock::now();
    for (const auto& w : snapshot) behind |= Serve(*w, progress, now);
    if (behind) {
      std::lock_guard<std::mutex> l(w_mu_);
      n_wake_ = true;
    }
  }
}

// Delivers the next slice of events to `w`. Returns true when `w` is still
// behind the current revision.
bool SqliteStore::Impl::Serve(WatcherState& w, bool progress_requested, Clock::time_point now) {
  // Per turn, so one watcher cannot starve the others or hold many copies.
  constexpr int64_t kMaxScan = 10000;
  constexpr size_t kMaxEvents = 1000;
  if (w.cancelled.load()) return false;
  const int64_t from = w.delivered.load();
  std::vector<Event> events;
  int64_t covered = from;
  int64_t cur = 0;
  int64_t sql_upto = 0;
  {
    std::shared_lock<std::shared_mutex> l(state_mu_);
    cur = current_rev_.load();
    if (from < cur) {
      if (from + 1 >= ring_first_rev_) {
        int64_t last = std::min(cur, from + kMaxScan);
        covered = from;
        while (covered < last && events.size() < kMaxEvents) {
          const RingEvent& ev = ring_[static_cast<size_t>(++covered - ring_first_rev_)];
          if (HasPrefix(ev.key, w.prefix)) events.push_back(ToEvent(ev));
        }
      } else {
        sql_upto = std::min(ring_first_rev_ - 1, from + kMaxScan);
      }
    }
  }
  if (sql_upto > 0) {
    Status st = ReadLogChunk(w, from, sql_upto, &events, &covered);
    if (!st.ok()) return false;  // retried on the next wake-up
  }

  std::lock_guard<std::mutex> l(w.cb_mu);
  if (w.cancelled.load() || !w.cb) return false;
  if (!events.empty()) {
    w.delivered.store(covered);
    w.last_sent = now;
    w.cb(events, covered);
  } else if (covered > from) {
    w.delivered.store(covered);
  } else if (from >= cur &&
             (progress_requested || (opts_.progress_interval.count() > 0 &&
                                     now - w.last_sent >= opts_.progress_interval))) {
    w.last_sent = now;
    w.cb({}, std::min(from, cur));
  }
  return covered < cur;
}

Status SqliteStore::Impl::ReadLogChunk(const WatcherState& w, int64_t after, int64_t upto,
                                       std::vector<Event>* events, int64_t* covered) {
  constexpr int64_t kChunk = 1000;
  StatusOr<SqliteDb> db = AcquireReader();
  if (!db.ok()) return db.status();
  Status result = [&]() -> Status {
    StatusOr<SqliteStmt> st = db->Prepare(
        "SELECT l.rev, l.key, l.value, l.create_rev, l.deleted, p.value, p.create_rev, p.rev "
        "FROM log l LEFT JOIN log p ON p.rev = l.prev_rev AND p.deleted = 0 "
        "WHERE l.rev > ?1 AND l.rev <= ?2 AND l.key >= ?3 AND (?4 IS NULL OR l.key < ?4) "
        "ORDER BY l.rev LIMIT ?5");
    if (!st.ok()) return st.status();
    st->BindInt(1, after);
    st->BindInt(2, upto);
    st->BindBlob(3, w.prefix);
    if (w.prefix_end) {
      st->BindBlob(4, *w.prefix_end);
    } else {
      st->BindNull(4);
    }
    st->BindInt(5, kChunk);
    int64_t n = 0;
    int64_t last = after;
    while (true) {
      StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      Event e;
      e.type = st->Int(4) != 0 ? Event::Type::kDelete : Event::Type::kPut;
      e.kv = KeyValue{st->Blob(1), st->Blob(2), st->Int(3), st->Int(0)};
      if (!st->IsNull(7)) e.prev = KeyValue{e.kv.key, st->Blob(5), st->Int(6), st->Int(7)};
      last = e.kv.mod_revision;
      events->push_back(std::move(e));
      ++n;
    }
    *covered = n == kChunk ? last : upto;
    return Status::Ok();
  }();
  ReleaseReader(std::move(*db));
  return result;
}

// ------------------------------------------------------------------ SqliteStore

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteStore::~SqliteStore() = default;

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                         Options options) {
  auto impl = std::make_unique<Impl>(path, options);
  BERTH_RETURN_IF_ERROR(impl->Init());
  impl->Start();
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

StatusOr<KeyValue> SqliteStore::Get(const std::string& key, int64_t revision) {
  return impl_->Get(key, revision);
}

StatusOr<ListResult> SqliteStore::List(const std::string& prefix, const std::string& start_key,
                                       int64_t limit, int64_t revision) {
  return impl_->List(prefix, start_key, limit, revision);
}

StatusOr<int64_t> SqliteStore::Create(const std::string& key, const std::string& value) {
  return impl_->Submit(WriteRequest::Op::kCreate, key, value, 0);
}

StatusOr<int64_t> SqliteStore::Update(const std::string& key, const std::string& value,
                                      WriteOptions opts) {
  return impl_->Submit(WriteRequest::Op::kUpdate, key, value, opts.expected_revision);
}

StatusOr<int64_t> SqliteStore::Delete(const std::string& key, WriteOptions opts) {
  return impl_->Submit(WriteRequest::Op::kDelete, key, std::string(), opts.expected_revision);
}

StatusOr<std::unique_ptr<Watch>> SqliteStore::WatchPrefix(const std::string& prefix,
                                                          int64_t from_revision,
                                                          WatchCallback callback) {
  return impl_->WatchPrefix(prefix, from_revision, std::move(callback));
}

Status SqliteStore::Compact(int64_t revision) {
  StatusOr<int64_t> r = impl_->Submit(WriteRequest::Op::kCompact, std::string(), std::string(),
                                      revision);
  return r.ok() ? Status::Ok() : r.status();
}

int64_t SqliteStore::CurrentRevision() { return impl_->current(); }

int64_t SqliteStore::OldestRevision() { return impl_->compacted() + 1; }

void SqliteStore::RequestProgress() { impl_->RequestProgress(); }

size_t SqliteStore::KeyCount() { return impl_->KeyCount(); }

}  // namespace berth::store

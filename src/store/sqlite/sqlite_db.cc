#include "store/sqlite/sqlite_db.h"

#include <utility>

namespace berth::store {

Status SqliteError(sqlite3* db, const char* what) {
  std::string msg = std::string("sqlite: ") + what + ": ";
  msg += db ? sqlite3_errmsg(db) : "no connection";
  return InternalError(std::move(msg));
}

SqliteStmt& SqliteStmt::operator=(SqliteStmt&& o) noexcept {
  if (this != &o) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = std::exchange(o.stmt_, nullptr);
  }
  return *this;
}

SqliteStmt::~SqliteStmt() {
  if (stmt_) sqlite3_finalize(stmt_);
}

StatusOr<SqliteStmt> SqliteStmt::Prepare(sqlite3* db, const char* sql) {
  SqliteStmt s;
  s.db_ = db;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s.stmt_, nullptr) !=
      SQLITE_OK) {
    return SqliteError(db, "prepare");
  }
  return s;
}

void SqliteStmt::BindInt(int index, int64_t v) { sqlite3_bind_int64(stmt_, index, v); }

void SqliteStmt::BindBlob(int index, std::string_view v) {
  // A zero-length blob must still be a BLOB, not NULL: pass a non-null pointer.
  static const char kEmpty = 0;
  sqlite3_bind_blob64(stmt_, index, v.empty() ? &kEmpty : v.data(), v.size(),
                      SQLITE_TRANSIENT);
}

void SqliteStmt::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

StatusOr<bool> SqliteStmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, "step");
}

Status SqliteStmt::Run() {
  while (true) {
    StatusOr<bool> r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::Ok();
  }
}

void SqliteStmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t SqliteStmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string SqliteStmt::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  if (!p || n <= 0) return std::string();
  return std::string(static_cast<const char*>(p), static_cast<size_t>(n));
}

bool SqliteStmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

SqliteDb& SqliteDb::operator=(SqliteDb&& o) noexcept {
  if (this != &o) {
    if (db_) sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
  }
  return *this;
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);
}

StatusOr<SqliteDb> SqliteDb::Open(const std::string& path, bool create) {
  SqliteDb d;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &d.db_, flags, nullptr) != SQLITE_OK) {
    Status st = SqliteError(d.db_, ("open " + path).c_str());
    return st;
  }
  sqlite3_extended_result_codes(d.db_, 1);
  sqlite3_busy_timeout(d.db_, 10000);
  return d;
}

Status SqliteDb::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = std::string("sqlite: exec: ") + (err ? err : "unknown error");
    sqlite3_free(err);
    return InternalError(std::move(msg));
  }
  return Status::Ok();
}

}  // namespace berth::store

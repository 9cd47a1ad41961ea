// Thin RAII wrappers over the SQLite C API used by SqliteStore: a connection
// (SqliteDb) and a prepared statement (SqliteStmt). They translate SQLite
// result codes into berth::Status (Reason::kInternalError) and never throw.
//
// Thread-safety: none. A connection and its statements belong to one thread
// at a time (SqliteStore gives each its own owner or guards them by a mutex).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace berth::store {

class SqliteStmt {
 public:
  SqliteStmt() = default;
  SqliteStmt(SqliteStmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  SqliteStmt& operator=(SqliteStmt&& o) noexcept;
  SqliteStmt(const SqliteStmt&) = delete;
  SqliteStmt& operator=(const SqliteStmt&) = delete;
  ~SqliteStmt();

  // Compiles `sql` on `db`. Errors come back as kInternalError.
  static StatusOr<SqliteStmt> Prepare(sqlite3* db, const char* sql);

  // Parameter indexes are 1-based as in SQLite.
  void BindInt(int index, int64_t v);
  void BindBlob(int index, std::string_view v);
  void BindNull(int index);

  // Advances the statement: true with a row, false when done; a failure is
  // returned as a non-OK status.
  StatusOr<bool> Step();
  // Steps to completion, ignoring rows.
  Status Run();
  // Clears bindings and rewinds so the statement can be reused.
  void Reset();

  // Column accessors (0-based) for the current row.
  int64_t Int(int col) const;
  std::string Blob(int col) const;
  bool IsNull(int col) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
 public:
  SqliteDb() = default;
  SqliteDb(SqliteDb&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  SqliteDb& operator=(SqliteDb&& o) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  // Opens (creating when `create`) the database file at `path`.
  static StatusOr<SqliteDb> Open(const std::string& path, bool create);

  // Runs one or more statements that return no rows of interest.
  Status Exec(const char* sql);
  StatusOr<SqliteStmt> Prepare(const char* sql) { return SqliteStmt::Prepare(db_, sql); }
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// kInternalError carrying SQLite's message for `db` and `what` we were doing.
Status SqliteError(sqlite3* db, const char* what);

}  // namespace berth::store

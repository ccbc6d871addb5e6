// A thin RAII layer over SQLite: a connection, prepared statements and a
// transaction guard. Errors throw DbError with SQLite's own message, which is
// already meant for a person, and its result code, for the callers that
// must tell a lock or a denied write from other failures.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>
#include <string_view>

#include "analyze/store/parameter.h"

namespace sigrec::analyze {

class DbError : public std::runtime_error {
 public:
  explicit DbError(const std::string& message, int code = SQLITE_ERROR)
      : std::runtime_error(message), code_(code) {}
  // SQLite's extended result code (SQLITE_ERROR for sigan's own checks).
  int code() const { return code_; }
  int primaryCode() const { return code_ & 0xff; }

 private:
  int code_;
};

class Statement;

// Every connection is opened in SQLite's defensive mode, with
// trusted_schema off and triggers disabled: a database is a file that may
// come from anyone (a bug report), and sigan never writes triggers, so no
// SQL stored in a file runs with sigan's rights (docs/sigan.md, "Databases
// from elsewhere").
class Db {
 public:
  enum class Mode { kReadOnly, kReadWrite, kCreate, kMemory };
  Db(const std::string& path, Mode mode);
  Db(Db&& other) noexcept;
  Db& operator=(Db&&) = delete;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) const;
  int64_t lastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  // The single integer of a one-row query (e.g. COUNT(*)), or nullopt.
  std::optional<int64_t> scalar(std::string_view sql) const;
  sqlite3* handle() const { return db_; }

  // While another connection holds the lock this one needs (an import
  // writing, or readers in the way of its commit), wait for it instead of
  // failing with "database is locked"; the first wait says so on NOTES,
  // naming the database as WHAT.
  void waitWhenLocked(std::ostream& notes, const std::string& what);
  struct LockWait;  // what the busy handler needs (db.cc)

  // True if FILE starts with the SQLite 3 header. Never throws.
  static bool looksLikeDatabase(const std::string& file);

 private:
  sqlite3* db_ = nullptr;
  std::unique_ptr<LockWait> wait_;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&& other) noexcept
      : stmt_(other.stmt_),
        tail_(std::move(other.tail_)),
        names_(std::move(other.names_)),
        params_(std::move(other.params_)) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binding is positional and 1-based, as in SQLite.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bindNull(int index);
  // Text that stays valid until the next run()/reset() (no copy): for the
  // import's hot path, where values live in the capture frame or in memory
  // that outlives the row.
  Statement& bindStatic(int index, std::string_view value);
  Statement& bindStatic(int index, const std::string& value) {
    return bindStatic(index, std::string_view(value));
  }
  Statement& bindStatic(int index, const char* value) {
    return bindStatic(index, std::string_view(value));
  }
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bindNull(index);
  }
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, uint32_t value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, uint64_t value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  // The same by name, for SQL that names its parameters (":pid"): bind("pid"_col, 7).
  template <typename T>
  Statement& bind(store::ParameterKey key, const T& value) {
    return bind(params_.at(key), value);
  }
  template <typename T>
  Statement& bindStatic(store::ParameterKey key, const T& value) {
    return bindStatic(params_.at(key), value);
  }
  Statement& bindNull(store::ParameterKey key) { return bindNull(params_.at(key)); }

  // True while a row is available.
  bool step();
  // Runs a statement that returns no rows, then resets it for reuse.
  void run();
  void reset();

  sqlite3_stmt* handle() const { return stmt_; }
  int columnCount() const { return sqlite3_column_count(stmt_); }
  std::string columnName(int i) const { return sqlite3_column_name(stmt_, i); }
  int columnType(int i) const { return sqlite3_column_type(stmt_, i); }
  bool isNull(int i) const { return columnType(i) == SQLITE_NULL; }
  int64_t getInt(int i) const { return sqlite3_column_int64(stmt_, i); }
  double getDouble(int i) const { return sqlite3_column_double(stmt_, i); }
  std::string getText(int i) const;
  std::optional<int64_t> getOptInt(int i) const {
    return isNull(i) ? std::nullopt : std::optional<int64_t>(getInt(i));
  }
  std::optional<std::string> getOptText(int i) const {
    return isNull(i) ? std::nullopt : std::optional<std::string>(getText(i));
  }
  // The same by result column name (the SELECT's name or alias): queries
  // read their rows this way, so that a column added to a SELECT moves no
  // other. An unknown name is a programming error (std::logic_error).
  int column(std::string_view name) const;
  bool isNull(std::string_view name) const { return isNull(column(name)); }
  int64_t getInt(std::string_view name) const { return getInt(column(name)); }
  std::string getText(std::string_view name) const { return getText(column(name)); }
  std::optional<int64_t> getOptInt(std::string_view name) const { return getOptInt(column(name)); }
  // What followed the first statement in the SQL text (for "one statement only").
  const std::string& tail() const { return tail_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  std::string tail_;
  mutable std::vector<std::string> names_;  // result column names, on first use
  store::ParameterIndex params_;
};

// Rolls back unless commit() was called: an exception mid-import leaves the
// database as it was.
class Transaction {
 public:
  explicit Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  ~Transaction();
  void commit();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace sigrec::analyze

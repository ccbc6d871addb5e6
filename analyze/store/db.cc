#include "analyze/store/db.h"

#include <chrono>
#include <cstring>
#include <fstream>
#include <ostream>
#include <thread>

namespace sigrec::analyze {
namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& context) {
  if (!db) throw DbError(context + "out of memory", SQLITE_NOMEM);
  throw DbError(context + sqlite3_errmsg(db), sqlite3_extended_errcode(db));
}

// The defences of every connection (see Db): no writes to sqlite_schema
// or the raw pages, no SQL functions with side effects called from a
// file's views, no triggers at all.
void defend(sqlite3* db) {
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
}

}  // namespace

struct Db::LockWait {
  std::ostream& notes;
  std::string what;
  bool told = false;
};

namespace {

// SQLite's busy handler: called while the lock is taken; nonzero = retry.
// It never gives up: the holder is another sigan that finishes (an import
// commits or rolls back), and the note says what is awaited.
int waitForLock(void* data, int attempt) {
  auto* wait = static_cast<Db::LockWait*>(data);
  if (!wait->told) {
    wait->notes << "sigan: " << wait->what
                << " is locked by another process (an import into it?); waiting for it\n"
                << std::flush;
    wait->told = true;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 10 ? 5 : 50));
  return 1;
}

}  // namespace

Db::Db(const std::string& path, Mode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case Mode::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::kCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case Mode::kMemory:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY;
      break;
  }
  std::string name = mode == Mode::kMemory ? ":memory:" : path;
  if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = path + ": " + (db_ ? sqlite3_errmsg(db_) : "cannot open");
    int code = db_ ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM;
    sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(message, code);
  }
  sqlite3_extended_result_codes(db_, 1);
  defend(db_);
}

void Db::waitWhenLocked(std::ostream& notes, const std::string& what) {
  wait_ = std::make_unique<LockWait>(LockWait{notes, what});
  sqlite3_busy_handler(db_, waitForLock, wait_.get());
}

Db::Db(Db&& other) noexcept : db_(other.db_), wait_(std::move(other.wait_)) {
  other.db_ = nullptr;
}

Db::~Db() {
  if (db_) sqlite3_close_v2(db_);
}

void Db::exec(std::string_view sql) {
  char* error = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw DbError(message, sqlite3_extended_errcode(db_));
  }
}

Statement Db::prepare(std::string_view sql) const {
  return Statement(db_, sql);
}

std::optional<int64_t> Db::scalar(std::string_view sql) const {
  Statement stmt(db_, sql);
  if (!stmt.step() || stmt.isNull(0)) return std::nullopt;
  return stmt.getInt(0);
}

bool Db::looksLikeDatabase(const std::string& file) {
  static constexpr char kHeader[] = "SQLite format 3";  // 16 bytes with the NUL
  char buffer[sizeof kHeader] = {};
  std::ifstream in(file, std::ios::binary);
  return in.read(buffer, sizeof buffer) && std::memcmp(buffer, kHeader, sizeof kHeader) == 0;
}

Statement::Statement(sqlite3* db, std::string_view sql) {
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, &tail) != SQLITE_OK)
    fail(db, "");
  if (tail) tail_.assign(tail, sql.data() + sql.size() - tail);
  if (!stmt_) throw DbError("empty SQL statement", SQLITE_MISUSE);
  params_ = store::ParameterIndex(stmt_);
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(sqlite3_db_handle(stmt_), "");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) fail(sqlite3_db_handle(stmt_), "");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK)
    fail(sqlite3_db_handle(stmt_), "");
  return *this;
}

Statement& Statement::bindStatic(int index, std::string_view value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_STATIC) != SQLITE_OK)
    fail(sqlite3_db_handle(stmt_), "");
  return *this;
}

Statement& Statement::bindNull(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(sqlite3_db_handle(stmt_), "");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(sqlite3_db_handle(stmt_), "");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::getText(int i) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  return text ? std::string(text, sqlite3_column_bytes(stmt_, i)) : std::string();
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (const DbError&) {
      // Nothing more can be done while unwinding.
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

int Statement::column(std::string_view name) const {
  if (names_.empty())
    for (int i = 0; i < columnCount(); ++i) names_.push_back(columnName(i));
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i);
  throw std::logic_error("no result column " + std::string(name));
}

}  // namespace sigrec::analyze

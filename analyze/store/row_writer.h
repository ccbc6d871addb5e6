// Inserts the import's rows on a thread of its own. The importer binds
// values as it would to a Statement; the values are copied into chunks of a
// few thousand rows and a writer thread binds and steps them in the order
// they were queued. The importer's own work (decoding events, resolving
// process instances, linking rows) then overlaps SQLite's, which is as large
// again, on a machine with more than one core.
//
// The connection is used by one thread at a time (it is opened NOMUTEX):
// while rows may be in flight, the caller must flush() before it touches the
// Db itself.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/bounded_queue.h"
#include "analyze/store/db.h"

namespace sigrec::analyze {

class RowWriter;

// One INSERT or UPDATE whose executions go through a RowWriter. Parameters
// not bound before run() are NULL, as with Statement::run().
class QueuedStatement {
 public:
  QueuedStatement& bind(int index, int64_t value) { return set(index, Cell::kInt, value); }
  QueuedStatement& bind(int index, int value) { return bind(index, int64_t{value}); }
  QueuedStatement& bind(int index, uint32_t value) { return bind(index, int64_t{value}); }
  QueuedStatement& bind(int index, uint64_t value) {
    return bind(index, static_cast<int64_t>(value));
  }
  QueuedStatement& bind(int index, bool value) { return bind(index, int64_t{value}); }
  template <typename T>
  QueuedStatement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bindNull(index);
  }
  // Text is copied: the caller's buffer may go away before the row is written.
  QueuedStatement& bind(int index, std::string_view text);
  QueuedStatement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  QueuedStatement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  // Same as bind(): kept so that code written for Statement reads the same.
  template <typename T>
  QueuedStatement& bindStatic(int index, const T& text) {
    return bind(index, std::string_view(text));
  }
  QueuedStatement& bindNull(int index) { return set(index, Cell::kNull, 0); }
  // The same by name, for SQL that names its parameters (store::insertSql).
  template <typename T>
  QueuedStatement& bind(store::ParameterKey key, const T& value) {
    return bind(params_.at(key), value);
  }
  template <typename T>
  QueuedStatement& bindStatic(store::ParameterKey key, const T& text) {
    return bind(params_.at(key), std::string_view(text));
  }
  QueuedStatement& bindNull(store::ParameterKey key) { return bindNull(params_.at(key)); }
  // Queues the row; may block while the writer is behind (bounded memory).
  void run();

 private:
  friend class RowWriter;
  struct Cell {
    enum Kind : uint8_t { kNull, kInt, kText } kind = kNull;
    uint32_t textSize = 0;
    int64_t value = 0;  // the integer, or the text's offset in the chunk
  };
  QueuedStatement(RowWriter& writer, size_t index, sqlite3_stmt* stmt)
      : writer_(writer),
        index_(index),
        cells_(static_cast<size_t>(sqlite3_bind_parameter_count(stmt))),
        params_(stmt) {}
  QueuedStatement& set(int index, Cell::Kind kind, int64_t value);

  RowWriter& writer_;
  size_t index_;
  std::vector<Cell> cells_;  // the row being bound (1-based index - 1)
  std::string text_;         // its texts
  store::ParameterIndex params_;
};

class RowWriter {
 public:
  explicit RowWriter(Db& db);
  // Stops the writer; rows not yet written are dropped (the caller's
  // transaction is being rolled back).
  ~RowWriter();
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  // Prepares SQL on the caller's thread; call before rows are queued or
  // after flush().
  QueuedStatement& prepare(std::string_view sql);
  // Returns once every queued row is written; rethrows a writer error (as
  // run() may).
  void flush();

 private:
  friend class QueuedStatement;
  struct Chunk {
    std::vector<uint32_t> statements;  // per row
    std::vector<QueuedStatement::Cell> cells;
    std::string text;
  };
  static constexpr size_t kChunkRows = 4096;
  static constexpr size_t kQueuedChunks = 4;

  void append(const QueuedStatement& row);
  void submit();
  void write(Chunk& chunk);
  void loop();

  Db& db_;
  std::vector<Statement> statements_;
  // What each statement has bound now (bindings outlive sqlite3_reset()):
  // only the parameters that differ from the previous row are bound again,
  // and most do not (capture, sender, names, comms...). Texts are bound as
  // SQLITE_TRANSIENT copies, since a chunk's text is reused.
  struct Bound {
    std::vector<QueuedStatement::Cell> cells;
    std::vector<std::string> texts;
  };
  std::vector<Bound> bound_;
  std::deque<std::unique_ptr<QueuedStatement>> queued_;  // stable addresses
  Chunk filling_;
  // Full chunks to the writer; written ones come back cleared for reuse
  // (fresh ones would be grown, and their pages faulted in, over again for
  // every few thousand rows).
  BoundedQueue<Chunk> chunks_{kQueuedChunks};
  std::jthread thread_;  // last: started once everything above exists
};

}  // namespace sigrec::analyze

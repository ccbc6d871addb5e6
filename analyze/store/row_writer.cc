#include "analyze/store/row_writer.h"

#include <utility>

namespace sigrec::analyze {

QueuedStatement& QueuedStatement::set(int index, Cell::Kind kind, int64_t value) {
  if (index < 1 || static_cast<size_t>(index) > cells_.size())
    throw DbError("column index " + std::to_string(index) + " out of range");
  Cell& cell = cells_[static_cast<size_t>(index - 1)];
  cell.kind = kind;
  cell.value = value;
  cell.textSize = 0;
  return *this;
}

QueuedStatement& QueuedStatement::bind(int index, std::string_view text) {
  set(index, Cell::kText, static_cast<int64_t>(text_.size()));
  cells_[static_cast<size_t>(index - 1)].textSize = static_cast<uint32_t>(text.size());
  text_.append(text);
  return *this;
}

void QueuedStatement::run() {
  writer_.append(*this);
  for (Cell& cell : cells_) cell = Cell{};
  text_.clear();
}

RowWriter::RowWriter(Db& db) : db_(db), thread_([this] { loop(); }) {}

RowWriter::~RowWriter() {
  chunks_.cancel();  // jthread then joins the writer
}

QueuedStatement& RowWriter::prepare(std::string_view sql) {
  statements_.push_back(db_.prepare(sql));
  int parameters = sqlite3_bind_parameter_count(statements_.back().handle());
  // Fresh statements have every parameter NULL, as a NULL cell says.
  bound_.push_back({std::vector<QueuedStatement::Cell>(static_cast<size_t>(parameters)),
                    std::vector<std::string>(static_cast<size_t>(parameters))});
  queued_.push_back(std::unique_ptr<QueuedStatement>(
      new QueuedStatement(*this, statements_.size() - 1, statements_.back().handle())));
  return *queued_.back();
}

void RowWriter::append(const QueuedStatement& row) {
  filling_.statements.push_back(static_cast<uint32_t>(row.index_));
  auto offset = static_cast<int64_t>(filling_.text.size());
  for (QueuedStatement::Cell cell : row.cells_) {
    if (cell.kind == QueuedStatement::Cell::kText) cell.value += offset;
    filling_.cells.push_back(cell);
  }
  filling_.text.append(row.text_);
  if (filling_.statements.size() >= kChunkRows) submit();
}

void RowWriter::submit() {
  if (filling_.statements.empty()) return;
  // False only once cancelled (the destructor): the rows are dropped then.
  chunks_.push(std::exchange(filling_, chunks_.spare()));
}

void RowWriter::flush() {
  submit();
  chunks_.drained();
}

void RowWriter::loop() {
  while (std::optional<Chunk> chunk = chunks_.pop()) {
    try {
      write(*chunk);
    } catch (...) {
      chunks_.fail(std::current_exception());
      return;
    }
    chunk->statements.clear();
    chunk->cells.clear();
    chunk->text.clear();
    chunks_.recycle(std::move(*chunk));
    chunks_.done();
  }
}

void RowWriter::write(Chunk& chunk) {
  using Cell = QueuedStatement::Cell;
  const Cell* cell = chunk.cells.data();
  for (uint32_t index : chunk.statements) {
    sqlite3_stmt* stmt = statements_[index].handle();
    Bound& bound = bound_[index];
    const size_t parameters = bound.cells.size();
    for (size_t i = 0; i < parameters; ++i, ++cell) {
      Cell& last = bound.cells[i];
      std::string_view text;
      if (cell->kind == Cell::kText)
        text = std::string_view(chunk.text.data() + cell->value, cell->textSize);
      if (cell->kind == last.kind &&
          (cell->kind == Cell::kNull || (cell->kind == Cell::kInt && cell->value == last.value) ||
           (cell->kind == Cell::kText && text == bound.texts[i])))
        continue;
      const int column = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      switch (cell->kind) {
        case Cell::kNull:
          rc = sqlite3_bind_null(stmt, column);
          break;
        case Cell::kInt:
          rc = sqlite3_bind_int64(stmt, column, cell->value);
          break;
        case Cell::kText:
          rc = sqlite3_bind_text(stmt, column, text.data(), static_cast<int>(text.size()),
                                 SQLITE_TRANSIENT);
          bound.texts[i].assign(text);
          break;
      }
      if (rc != SQLITE_OK) throw DbError(sqlite3_errmsg(db_.handle()));
      last = *cell;
    }
    if (sqlite3_step(stmt) != SQLITE_DONE) {
      std::string message = sqlite3_errmsg(db_.handle());
      sqlite3_reset(stmt);
      throw DbError(message);
    }
    sqlite3_reset(stmt);
  }
}

}  // namespace sigrec::analyze

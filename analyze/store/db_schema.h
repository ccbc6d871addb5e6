// The SQLite schema: a public interface (docs/schema.md), so tables and
// columns are only ever added. Also the one place where PRAGMAs are set.
#pragma once

#include "analyze/store/db.h"

namespace sigrec::analyze {

inline constexpr int kSchemaVersion = 4;

// Rollback journal, not WAL: a database must stay readable from a read-only
// connection with no -shm file beside it. Bulk speed comes from the single
// transaction and reused statements.
void applyImportPragmas(Db& db);
// For connections handed to user SQL: no write may succeed, whatever the
// statement (the authorizer in sources.cc is the second lock).
void applyQueryOnlyPragmas(Db& db);
// Creates the tables (and views) if missing, upgrades a database of an
// older schema version; throws DbError, before writing anything, if the
// file is a database of another program or of a newer sigan, or holds
// anything sigan does not write (schema_check.h). Call it inside the
// import's transaction, so that two imports cannot both upgrade or create.
void ensureSchema(Db& db);
// Indexes are built after the load: inserting into indexed tables is ~40 %
// slower.
void ensureIndexes(Db& db);
// Throws DbError unless DB holds exactly sigan's current schema
// (schema_check.h): every query on a database file checks it first.
void checkSchema(const Db& db);

}  // namespace sigrec::analyze

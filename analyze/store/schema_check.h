// The check that a database file holds what sigan writes, and nothing
// else. A database is a file from anyone (it travels with bug reports): a
// view or an index under one of sigan's names, a trigger, or a table of
// another program would change what sigan's own queries answer. The objects
// expected are not listed here: the code that makes them (the table
// registry, the views and indexes of db_schema.cc) makes them in a database
// in memory, and sqlite_schema is read back from it.
#pragma once

#include "analyze/store/db.h"

namespace sigrec::analyze {

// Throws DbError (SQLITE_CORRUPT) if DB's file is shorter than its pages,
// or not a whole number of them: a database cut short (a copy that did not
// finish). SQLite reads a short last page as zeros, which can change an
// answer instead of failing; a cut at a page boundary it finds itself.
void verifyFileSize(const Db& db);

// Throws DbError unless the objects of DB in sqlite_schema (tables, views,
// indexes, triggers) are exactly those of a database of the current schema
// version, SQL text included. sqlite_stat tables (of ANALYZE) may be
// missing.
void verifySchemaObjects(const Db& db);

// For a database of an older VERSION, before its upgrade: its tables as
// that version made them (the registry's columns up to VERSION), no
// trigger, no table of another program, and views and indexes only under
// names that sigan uses or used; the upgrade drops those and makes the
// current ones (dropOldViewsAndIndexes).
void verifyOlderSchemaObjects(const Db& db, int version);
void dropOldViewsAndIndexes(Db& db);

}  // namespace sigrec::analyze

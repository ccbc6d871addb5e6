// Binding by parameter name (analyze/store/parameter.h): the generated
// INSERTs, and the errors a wrong name must raise.
#include <gtest/gtest.h>

#include <stdexcept>

#include "analyze/store/db.h"
#include "analyze/store/row_writer.h"
#include "analyze/store/tables.h"

namespace sigrec::analyze {
namespace {

TEST(Parameter, InsertSqlNamesEveryColumnOfTheRegistry) {
  EXPECT_EQ(store::insertSql("damage"),
            "INSERT INTO damage (id, capture_id, offset, bytes, what, truncation)"
            " VALUES (:id, :capture_id, :offset, :bytes, :what, :truncation)");
  EXPECT_THROW(store::insertSql("no_such_table"), std::logic_error);
}

TEST(Parameter, BindsByNameWhateverTheOrder) {
  Db db("", Db::Mode::kMemory);
  db.exec("CREATE TABLE t (a INTEGER, b TEXT, c INTEGER)");
  auto ins = db.prepare("INSERT INTO t (a, b, c) VALUES (:a, :b, :c)");
  ins.bind("c"_col, 3).bind("a"_col, 1).bind("b"_col, "two").run();
  ins.bind("b"_col, "only b").run();  // the others are NULL again after run()
  auto rows = db.prepare("SELECT a, b, c FROM t ORDER BY rowid");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.getInt("a"), 1);
  EXPECT_EQ(rows.getText("b"), "two");
  EXPECT_EQ(rows.getInt("c"), 3);
  ASSERT_TRUE(rows.step());
  EXPECT_TRUE(rows.isNull("a"));
  EXPECT_EQ(rows.getText("b"), "only b");
  EXPECT_TRUE(rows.isNull("c"));
}

TEST(Parameter, AnUnknownNameIsAProgrammingError) {
  Db db("", Db::Mode::kMemory);
  db.exec("CREATE TABLE t (a INTEGER)");
  auto named = db.prepare("INSERT INTO t (a) VALUES (:a)");
  EXPECT_THROW(named.bind("b"_col, 1), std::logic_error);
  auto positional = db.prepare("INSERT INTO t (a) VALUES (?)");
  EXPECT_THROW(positional.bind("a"_col, 1), std::logic_error);
}

TEST(Parameter, ManyParametersAllResolve) {
  // More names than the index's first size: every one still found, none
  // taken for another.
  Db db("", Db::Mode::kMemory);
  db.exec(store::createSql(store::table("signals")));
  auto ins = db.prepare(store::insertSql("signals"));
  int64_t value = 100;
  for (const store::Column& c : store::table("signals").columns) {
    if (std::string(c.type).starts_with("TEXT")) continue;
    ins.bind(store::ParameterKey{store::parameterHash(c.name), c.name}, value++);
  }
  ins.run();
  auto row = db.prepare("SELECT * FROM signals");
  ASSERT_TRUE(row.step());
  value = 100;
  for (const store::Column& c : store::table("signals").columns) {
    if (std::string(c.type).starts_with("TEXT")) continue;
    EXPECT_EQ(row.getInt(c.name), value++) << c.name;
  }
}

TEST(Parameter, QueuedRowsBindByName) {
  Db db("", Db::Mode::kMemory);
  db.exec("CREATE TABLE t (a INTEGER, b TEXT)");
  {
    RowWriter rows(db);
    QueuedStatement& ins = rows.prepare("INSERT INTO t (a, b) VALUES (:a, :b)");
    ins.bind("b"_col, std::string("x")).bind("a"_col, 7).run();
    EXPECT_THROW(ins.bind("c"_col, 1), std::logic_error);
    rows.flush();
  }
  auto row = db.prepare("SELECT a, b FROM t");
  ASSERT_TRUE(row.step());
  EXPECT_EQ(row.getInt("a"), 7);
  EXPECT_EQ(row.getText("b"), "x");
}

}  // namespace
}  // namespace sigrec::analyze

// The table registry (analyze/store/) against what it must agree with: the
// database sigan creates, docs/schema.md, and every field of the capture
// format.
#include <gtest/gtest.h>

#include <capnp/schema.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "analyze/store/db_schema.h"
#include "analyze/store/capture_fields.h"
#include "analyze/store/tables.h"
#include "schema/capture.capnp.h"

namespace sigrec::analyze::store {
namespace {

// "Struct.field" of every field reachable from the frames' root structs,
// through groups, structs and lists of structs.
void collect(capnp::StructSchema s, const std::string& prefix, std::set<std::string>& out) {
  for (capnp::StructSchema::Field f : s.getFields()) {
    std::string name = prefix + "." + f.getProto().getName().cStr();
    capnp::Type type = f.getType();
    if (f.getProto().isGroup()) {
      collect(type.asStruct(), name, out);
      continue;
    }
    out.insert(name);
    if (type.isStruct())
      collect(type.asStruct(), type.asStruct().getShortDisplayName().cStr(), out);
    if (type.isList() && type.asList().getElementType().isStruct()) {
      capnp::StructSchema element = type.asList().getElementType().asStruct();
      collect(element, element.getShortDisplayName().cStr(), out);
    }
  }
}

std::set<std::string> formatFields() {
  std::set<std::string> out;
  for (capnp::StructSchema s :
       {capnp::Schema::from<schema::CaptureInfo>(), capnp::Schema::from<schema::ProcessSnapshot>(),
        capnp::Schema::from<schema::EventBatch>(), capnp::Schema::from<schema::Trailer>()})
    collect(s, s.getShortDisplayName().cStr(), out);
  return out;
}

bool hasColumn(const std::string& qualified) {
  auto dot = qualified.find('.');
  if (dot == std::string::npos) return false;
  for (const Table& t : tables()) {
    if (qualified.compare(0, dot, t.name) != 0 || std::string(t.name).size() != dot) continue;
    for (const Column& c : t.columns)
      if (qualified.substr(dot + 1) == c.name) return true;
  }
  return false;
}

TEST(Store, EveryCaptureFieldIsStoredOrSaysWhyNot) {
  std::set<std::string> listed;
  for (const CaptureField& f : captureFields()) {
    listed.insert(f.field);
    if (f.column)
      EXPECT_TRUE(hasColumn(f.column)) << f.field << " -> " << f.column << ": no such column";
    else
      EXPECT_TRUE(f.notStored && *f.notStored) << f.field << ": neither a column nor a reason";
  }
  std::set<std::string> fields = formatFields();
  EXPECT_GT(fields.size(), 100u);
  for (const std::string& f : fields)
    EXPECT_TRUE(listed.count(f))
        << f << " (schema/capture.capnp) is not in analyze/store/capture_fields.cc";
  for (const std::string& f : listed)
    EXPECT_TRUE(fields.count(f)) << f << " is listed but not a field of the format";
}

TEST(Store, TheDatabaseHasExactlyTheRegistrysColumns) {
  Db db("", Db::Mode::kMemory);
  ensureSchema(db);
  for (const Table& t : tables()) {
    auto st = db.prepare(std::string("SELECT name FROM pragma_table_info('") + t.name + "')");
    std::vector<std::string> actual, declared;
    while (st.step()) actual.push_back(st.getText(0));
    for (const Column& c : t.columns) declared.emplace_back(c.name);
    EXPECT_EQ(actual, declared) << t.name;
    for (const Column& c : t.columns) EXPECT_TRUE(*c.doc) << t.name << "." << c.name << ": no doc";
  }
}

// Sections of docs/schema.md by heading ("## losses, probe_counters, damage").
std::map<std::string, std::string> docSections() {
  std::ifstream in(SIGAN_DOCS_DIR "/schema.md");
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, std::string> sections;
  std::string heading, line;
  while (std::getline(text, line)) {
    if (line.rfind("## ", 0) == 0) {
      heading = line.substr(3);
      continue;
    }
    sections[heading] += line + "\n";
  }
  return sections;
}

TEST(Store, DocsSchemaDescribesEveryColumn) {
  auto sections = docSections();
  ASSERT_FALSE(sections.empty()) << SIGAN_DOCS_DIR "/schema.md not found";
  for (const Table& t : tables()) {
    std::string section;
    for (const auto& [heading, body] : sections)
      if (std::regex_search(heading, std::regex("\\b" + std::string(t.name) + "\\b")))
        section += body;
    ASSERT_FALSE(section.empty()) << "docs/schema.md has no section for " << t.name;
    for (const Column& c : t.columns) {
      std::string name = c.name;
      if (name == "id" || name == "capture_id") continue;  // in the conventions
      EXPECT_TRUE(std::regex_search(section, std::regex("(^|[^a-z_])" + name + "($|[^a-z_])")))
          << t.name << "." << name << " is not described in docs/schema.md";
    }
  }
}

}  // namespace
}  // namespace sigrec::analyze::store

#include "analyze/export/row_args.h"

namespace sigrec::analyze::exporting {

Row rowArgs(const Statement& stmt) {
  Row args = Row::object();
  for (int i = 0; i < stmt.columnCount(); ++i) {
    std::string name = stmt.columnName(i);
    if (name.rfind("x_", 0) == 0) continue;
    switch (stmt.columnType(i)) {
      case SQLITE_INTEGER:
        args[name] = stmt.getInt(i);
        break;
      case SQLITE_FLOAT:
        args[name] = stmt.getDouble(i);
        break;
      case SQLITE_TEXT:
      case SQLITE_BLOB:
        args[name] = stmt.getText(i);
        break;
      default:
        break;
    }
  }
  return args;
}

}  // namespace sigrec::analyze::exporting

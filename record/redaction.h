// --redact: command lines can hold secrets (docs/sigrec.md, "Options": --redact). Applied before
// anything is written, to exec events and to the /proc snapshot alike.
#pragma once

#include <string>
#include <vector>

namespace sigrec::record {

enum class Redaction {
  kNone,
  kArgs,    // keep argv[0] only; every argument becomes "<redacted>"
  kValues,  // keep arguments, mask values: NAME=VALUE, --opt=VALUE, and the
            // argument after a flag named like a secret (--password x)
};

Redaction parseRedaction(const std::string& mode);  // throws std::runtime_error

void redactArgv(std::vector<std::string>& argv, Redaction mode);

}  // namespace sigrec::record

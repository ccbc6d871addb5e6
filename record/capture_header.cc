#include "record/capture_header.h"

#include <capnp/message.h>

#include "record/host_info.h"
#include "record/version.h"
#include "schema/capture.capnp.h"

namespace sigrec::record {

void writeInfo(capture::CaptureWriter& writer, const Options& opt, const ProbeSettings& settings,
               uint64_t startNs, const FileStart& file) {
  capnp::MallocMessageBuilder message;
  auto info = message.initRoot<schema::CaptureInfo>();
  fillHostInfo(info, file.bootToWallNs);
  info.setRecorderVersion(kVersion);
  auto args = info.initRecorderArgs(static_cast<unsigned>(opt.args.size()));
  for (size_t i = 0; i < opt.args.size(); ++i) args.set(static_cast<unsigned>(i), opt.args[i]);
  std::vector<std::string> commandLine = opt.command;
  redactArgv(commandLine, opt.redaction);
  auto command = info.initCommand(static_cast<unsigned>(commandLine.size()));
  for (size_t i = 0; i < commandLine.size(); ++i)
    command.set(static_cast<unsigned>(i), commandLine[i]);
  info.setStartBootNs(startNs);
  info.setSignalMask(settings.signalMask);
  info.setFilterPid(settings.filterPid);
  info.setFilterCgroupId(settings.filterCgroupId);
  info.setThreads(settings.threads);
  info.setRingBufferBytes(settings.ringBufferBytes);
  info.setFileSequence(file.sequence);
  const auto features = settings.features.describe();
  auto list = info.initKernelFeatures(static_cast<unsigned>(features.size()));
  for (size_t i = 0; i < features.size(); ++i) {
    list[static_cast<unsigned>(i)].setName(features[i].first);
    list[static_cast<unsigned>(i)].setValue(features[i].second);
  }
  writer.write(capture::FrameType::kInfo, message);
}

}  // namespace sigrec::record

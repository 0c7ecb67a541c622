#pragma once

#include <cstdio>
#include <string>
#include <sys/types.h>
#include <thread>
#include <utility>
#include <vector>

namespace llmops::test {

/// The service binary as a child process, its stderr on a pipe that is read for the port it
/// reports. Killed at the end if still running.
struct service_process {
  using environment = std::vector<std::pair<std::string, std::string>>;

  /// Starts the binary on DATABASE_URL=conninfo, loopback, SERVICE_PORT=0 unless env names
  /// another; env adds or overrides variables.
  explicit service_process(const std::string& conninfo, const environment& env = {});
  ~service_process();

  /// Waits for the exit; returns the exit status, or -1 when a signal ended it.
  int wait_exit();

  pid_t pid = -1;
  FILE* log = nullptr;
  unsigned short port = 0;

private:
  std::thread drain_; ///< Keeps reading the log so that the child never blocks on a full pipe.
};

} // namespace llmops::test

#pragma once

#include <string>

namespace llmops::test {

/// A PostgreSQL cluster of the test's own, on a free loopback port, so that a test can stop
/// and start the server without disturbing others. Removed at the end.
class pg_cluster {
public:
  pg_cluster();
  ~pg_cluster();

  /// Stops the server; mode is "fast" or "immediate" (a crash).
  void stop(const std::string& mode = "immediate");
  void start();

  /// Stops every process of the server with SIGSTOP, as a hung machine would, and resumes them.
  void freeze();
  void thaw();

  const std::string& conninfo() const { return conninfo_; }

private:
  void run(const std::string& command);

  std::string dir_;
  int port_ = 0;
  std::string conninfo_;
};

} // namespace llmops::test

#include "support/service_process.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>

namespace llmops::test {

service_process::service_process(const std::string& conninfo, const environment& env) {
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    setenv("DATABASE_URL", conninfo.c_str(), 1);
    setenv("SERVICE_PORT", "0", 1);
    setenv("LLMOPS_BIND_ADDRESS", "127.0.0.1", 1);
    for (const auto& [name, value] : env)
      setenv(name.c_str(), value.c_str(), 1);
    execl(LLMOPS_SERVICE_BINARY, LLMOPS_SERVICE_BINARY, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  log = fdopen(fds[0], "r");

  // "... listening address=127.0.0.1 port=N ..."
  char line[4096];
  while (port == 0 && std::fgets(line, sizeof line, log) != nullptr) {
    std::string text(line);
    auto at = text.find(" listening ");
    if (at != std::string::npos)
      port = static_cast<unsigned short>(std::stoi(text.substr(text.find("port=", at) + 5)));
  }
  BOOST_REQUIRE_MESSAGE(port != 0, "the service did not report its port");
  drain_ = std::thread([file = log] {
    char rest[4096];
    while (std::fgets(rest, sizeof rest, file) != nullptr) {
    }
  });
}

int service_process::wait_exit() {
  int status = 0;
  waitpid(pid, &status, 0);
  pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

service_process::~service_process() {
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  if (drain_.joinable())
    drain_.join();
  if (log != nullptr)
    std::fclose(log);
}

} // namespace llmops::test

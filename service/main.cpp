#include "core/log.hpp"
#include "service/config.hpp"
#include "service/keys_command.hpp"
#include "service/service.hpp"

#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <string>

int main(int argc, char** argv) {
  using namespace llmops;
  const core::logger log{"service"};

  if (argc >= 2 && std::string(argv[1]) == "keys")
    return service::run_keys_command(argc, argv);

  // Configuration: a bad key or value stops here, named.
  std::string error;
  bool help = false;
  auto settings = service::load_config(argc, argv, error, help);
  if (help) {
    std::fputs("usage: llmops-service [--config FILE] [--key=value ...]\n", stdout);
    std::fputs(service::describe_config().c_str(), stdout);
    return 0;
  }
  if (!settings) {
    log.error("bad configuration: " + error);
    return 2;
  }
  core::set_log_level(*core::parse_log_level(settings->log_level));
  log.info(service::summarize(*settings));

  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  service::service instance(*settings);
  if (!instance.start(error)) {
    log.error("cannot start: " + error);
    return 1;
  }

  // SIGHUP reloads the price catalog; SIGINT and SIGTERM stop.
  int received = 0;
  while (sigwait(&stop_signals, &received) == 0 && received == SIGHUP) {
    if (!instance.reload_pricing(error))
      log.warning("price catalog refused, keeping the one in force error=\"" + error + "\"");
  }
  log.info(std::string("signal received signal=") + (received == SIGINT ? "SIGINT" : "SIGTERM"));
  instance.shutdown();
  return 0;
}

#include "support/pg_cluster.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace llmops::test {

namespace {

const std::string pg_bin = "/usr/lib/postgresql/15/bin/";

// A port nothing listens on now: bind to port 0 and read what the kernel chose.
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// PostgreSQL refuses to run as root: run its tools as the postgres user then.
std::string as_owner(const std::string& command) {
  return getuid() == 0 ? "runuser -u postgres -- " + command : command;
}

} // namespace

pg_cluster::pg_cluster() {
  char pattern[] = "/tmp/llmops-cluster-XXXXXX";
  BOOST_REQUIRE(mkdtemp(pattern) != nullptr);
  dir_ = pattern;
  port_ = free_port();
  if (getuid() == 0)
    run("chown postgres " + dir_);
  run(as_owner(
      pg_bin + "initdb -D " + dir_ +
      "/data -U postgres --auth=trust -E UTF8 --locale=C >/dev/null"));
  conninfo_ = "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres";
  start();
}

pg_cluster::~pg_cluster() {
  std::system(as_owner(pg_bin + "pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1")
                  .c_str());
  std::system(("rm -rf " + dir_).c_str());
}

void pg_cluster::stop(const std::string& mode) {
  run(as_owner(pg_bin + "pg_ctl -D " + dir_ + "/data -m " + mode + " -w stop >/dev/null"));
}

void pg_cluster::start() {
  run(as_owner(
      pg_bin + "pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -o \"-p " +
      std::to_string(port_) + " -c listen_addresses=127.0.0.1 -k " + dir_ + "\" start >/dev/null"));
}

void pg_cluster::freeze() {
  const std::string postmaster = "$(head -n 1 " + dir_ + "/data/postmaster.pid)";
  run("pkill -STOP -P " + postmaster + " && kill -STOP " + postmaster);
}

void pg_cluster::thaw() {
  const std::string postmaster = "$(head -n 1 " + dir_ + "/data/postmaster.pid)";
  run("kill -CONT " + postmaster + " && pkill -CONT -P " + postmaster);
}

void pg_cluster::run(const std::string& command) {
  BOOST_REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "failed: " + command);
}

} // namespace llmops::test

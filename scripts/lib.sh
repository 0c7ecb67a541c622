# Shared by scripts/run, scripts/test and bench/run: packages, build, a private PostgreSQL.
# Source it; it defines functions only.

LLMOPS_PACKAGES=(
  g++ cmake ninja-build ccache pkg-config
  libcaf-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-test1.81-dev
  libpq-dev postgresql-15
  clang libclang-rt-14-dev
)
PG_BIN=/usr/lib/postgresql/15/bin

log() { echo "[llmops] $*" >&2; }

# Installs the Debian packages that are missing (needs root; apt-get update runs once).
install_packages() {
  local missing=()
  for package in "${LLMOPS_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})"
    return 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_tree DIR BUILD_TYPE [CMAKE_ARGS...]: configures and builds the project into DIR.
build_tree() {
  local dir=$1 type=$2
  shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j 2
}

# build_fuzzer DIR: builds the libFuzzer harness of the request path with clang and sanitizers.
build_fuzzer() {
  CC=clang CXX=clang++ cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
    -DLLMOPS_FUZZ=ON >/dev/null
  cmake --build "$1" -j 2 --target request_fuzz
}

# Runs a command as the PostgreSQL owner: postgres when we are root, else ourselves.
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# pg_start DATA_DIR PORT: creates the cluster if needed and starts it on 127.0.0.1:PORT, in
# its own session so that Ctrl-C on the terminal reaches the service, not the database.
pg_start() {
  local data=$1 port=$2
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
  chmod 700 "$data"
  if ! as_pg_owner test -w "$data"; then
    log "the PostgreSQL owner cannot write $data (is a parent folder private?)"
    return 1
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
  fi
  local owner=()
  [ "$(id -u)" -eq 0 ] && owner=(runuser -u postgres --)
  setsid -w "${owner[@]}" "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $data" start >/dev/null
}

# pg_stop DATA_DIR [MODE]: stops the cluster (fast by default).
pg_stop() {
  local data=$1 mode=${2:-fast}
  [ -f "$data/postmaster.pid" ] || return 0
  as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -m "$mode" -w stop >/dev/null || true
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

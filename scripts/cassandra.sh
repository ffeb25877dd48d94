#!/usr/bin/env bash
# Run a real single-node Apache Cassandra 5.0 server for development and tests,
# without Docker: the server is cassandra-all and its dependencies from Maven
# Central, started with the local Java 17.
#
#   scripts/cassandra.sh start    download once, configure, start, wait for CQL, smoke-test
#   scripts/cassandra.sh stop     stop the server started from this directory (pid file)
#   scripts/cassandra.sh status   "running" (exit 0) or "stopped" (exit 1)
#   scripts/cassandra.sh check    run the CQL check (+ smoke test) against the running server
#   scripts/cassandra.sh nodetool ARGS...   nodetool over local-only JMX
#   scripts/cassandra.sh log      follow the system log
#   scripts/cassandra.sh fetch    download the jars only (scripts/images.sh puts them in the image)
#   scripts/cassandra.sh foreground   configure and run the server in the foreground, as a
#                                 container's process (docker/cassandra): no pid file, no CQL
#                                 wait; CASSANDRA_HOST may be any address (default: this host's)
#
# Environment:
#   CASSANDRA_DIR           state dir (default <project>/.data/cassandra): lib/, conf/,
#                           data/, commitlog/, saved_caches/, hints/, cdc_raw/, logs/, cassandra.pid
#   CASSANDRA_LIB_DIR       jar dir (default $CASSANDRA_DIR/lib; point several state dirs
#                           at one shared lib dir to download only once)
#   CASSANDRA_HOST          listen and CQL address   (default 127.0.0.1; 127.0.0.2… for
#                           the nodes of a multi-node cluster on loopback)
#   CASSANDRA_SEEDS         seed list host:port,…    (default this node)
#   CASSANDRA_PORT          CQL native port          (default 9042)
#   CASSANDRA_STORAGE_PORT  inter-node storage port  (default 7000)
#   CASSANDRA_JMX_PORT      JMX port, 127.0.0.1 only (default 7199)
#   CASSANDRA_XMS / CASSANDRA_XMX   heap             (default 768m / 1g)
#   CASSANDRA_JVM_OPTS      extra JVM options appended last
#   CASSANDRA_START_TIMEOUT seconds to wait for CQL  (default 180)
#   CASSANDRA_SMOKE=0       skip the keyspace/table smoke test on start
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
POM="$SCRIPT_DIR/cassandra/pom.xml"
YAML_TEMPLATE="$SCRIPT_DIR/cassandra/cassandra.yaml"

DIR="${CASSANDRA_DIR:-$ROOT/.data/cassandra}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
LIB="${CASSANDRA_LIB_DIR:-$DIR/lib}"
CONF="$DIR/conf"
LOGS="$DIR/logs"
PIDFILE="$DIR/cassandra.pid"
PORT="${CASSANDRA_PORT:-9042}"
STORAGE_PORT="${CASSANDRA_STORAGE_PORT:-7000}"
JMX_PORT="${CASSANDRA_JMX_PORT:-7199}"
XMS="${CASSANDRA_XMS:-768m}"
XMX="${CASSANDRA_XMX:-1g}"
START_TIMEOUT="${CASSANDRA_START_TIMEOUT:-180}"
if [[ "${1:-}" == foreground ]]; then
  # in a container the node listens on its own address on the container network
  HOST="${CASSANDRA_HOST:-$(hostname -i | awk '{print $1}')}"
else
  HOST="${CASSANDRA_HOST:-127.0.0.1}"
  [[ "$HOST" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || { printf '[cassandra] ERROR: CASSANDRA_HOST must be a loopback address (127.x.y.z), got %s\n' "$HOST" >&2; exit 1; }
fi
SEEDS="${CASSANDRA_SEEDS:-$HOST:$STORAGE_PORT}"

log() { printf '[cassandra] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cassandra_version() {
  sed -n 's:.*<cassandra.version>\(.*\)</cassandra.version>.*:\1:p' "$POM" | head -n1
}

pid_alive() {
  local pid
  [[ -f "$PIDFILE" ]] || return 1
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against PID reuse: it must be a java process running CassandraDaemon.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'org.apache.cassandra.service.CassandraDaemon'
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Show the end of this run's logs (system.log is appended to across runs;
# LOG_FROM is its line count when this run started).
LOG_FROM=0
show_log_tail() {
  local n="${1:-30}"
  if [[ -s "$LOGS/system.log" ]]; then
    log "---- $LOGS/system.log (last $n lines of this run) ----"
    tail -n +"$((LOG_FROM + 1))" "$LOGS/system.log" | tail -n "$n" | cut -c1-400 >&2
  fi
  if [[ -s "$LOGS/stdout.log" ]] && grep -qv '^WARNING: ' "$LOGS/stdout.log"; then
    log "---- $LOGS/stdout.log ----"
    grep -v '^WARNING: ' "$LOGS/stdout.log" | tail -n 15 | cut -c1-400 >&2
  fi
}

# ---------------------------------------------------------------- download
fetch_lib() {
  local version marker tmp
  version="$(cassandra_version)"
  [[ -n "$version" ]] || die "cannot read <cassandra.version> from $POM"
  marker="$LIB/.cassandra-all-$version.complete"
  if [[ -f "$marker" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  # LIB may be shared by several CASSANDRA_DIRs: one download at a time.
  mkdir -p "$(dirname "$LIB")"
  exec 8>"$LIB.lock"
  flock 8
  if [[ -f "$marker" ]]; then
    exec 8>&-
    return 0
  fi
  log "fetching cassandra-all $version and dependencies from Maven Central into $LIB ..."
  local t0=$SECONDS
  tmp="$LIB.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$LOGS"
  # Maven's output goes to a file (Debian's mvn prints stray ANSI codes even with -q -B).
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$tmp" >"$LOGS/mvn.log" 2>&1; then
    rm -rf "$tmp"
    sed 's/\x1b\[[0-9;]*m//g' "$LOGS/mvn.log" | tail -n 40 >&2
    die "maven download failed (full output: $LOGS/mvn.log)"
  fi
  # Netty native/SSL jars for other platforms are dead weight here.
  find "$tmp" \( -name '*-osx-*.jar' -o -name '*-windows-*.jar' \) -delete
  [[ -f "$tmp/cassandra-all-$version.jar" ]] || { rm -rf "$tmp"; die "cassandra-all-$version.jar missing after download"; }
  touch "$tmp/.cassandra-all-$version.complete"
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
  exec 8>&-
  log "downloaded $(find "$LIB" -name '*.jar' | wc -l) jars ($(du -sh "$LIB" | cut -f1)) in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- config
write_config() {
  mkdir -p "$CONF" "$LOGS" "$DIR/data" "$DIR/commitlog" "$DIR/saved_caches" "$DIR/hints" "$DIR/cdc_raw" "$CONF/triggers"
  sed -e "s#@@DIR@@#$DIR#g" \
      -e "s#@@NATIVE_PORT@@#$PORT#g" \
      -e "s#@@STORAGE_PORT@@#$STORAGE_PORT#g" \
      -e "s#@@HOST@@#$HOST#g" \
      -e "s#@@SEEDS@@#$SEEDS#g" \
      "$YAML_TEMPLATE" >"$CONF/cassandra.yaml"

  cat >"$CONF/logback.xml" <<'EOF'
<configuration scan="false" debug="false">
  <shutdownHook class="ch.qos.logback.core.hook.DefaultShutdownHook"/>
  <appender name="SYSTEMLOG" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <filter class="ch.qos.logback.classic.filter.ThresholdFilter">
      <level>INFO</level>
    </filter>
    <file>${cassandra.logdir}/system.log</file>
    <rollingPolicy class="ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy">
      <fileNamePattern>${cassandra.logdir}/system.log.%d{yyyy-MM-dd}.%i.zip</fileNamePattern>
      <maxFileSize>20MB</maxFileSize>
      <maxHistory>3</maxHistory>
      <totalSizeCap>100MB</totalSizeCap>
    </rollingPolicy>
    <encoder>
      <pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern>
    </encoder>
  </appender>
  <appender name="ASYNCSYSTEMLOG" class="ch.qos.logback.classic.AsyncAppender">
    <queueSize>1024</queueSize>
    <discardingThreshold>0</discardingThreshold>
    <includeCallerData>true</includeCallerData>
    <appender-ref ref="SYSTEMLOG"/>
  </appender>
  <root level="INFO">
    <appender-ref ref="ASYNCSYSTEMLOG"/>
  </root>
  <logger name="org.apache.cassandra" level="INFO"/>
  <logger name="com.thinkaurelius.thrift" level="ERROR"/>
</configuration>
EOF
  cat >"$CONF/logback-tools.xml" <<'EOF'
<configuration>
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%-5level %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="STDERR"/></root>
</configuration>
EOF
}

# ---------------------------------------------------------------- java
# JPMS exports/opens from Cassandra 5.0 conf/jvm17-server.options (server and tools).
JPMS_OPTS=(
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
)

java_cmd() {
  local jamm
  jamm="$(find "$LIB" -maxdepth 1 -name 'jamm-*.jar' | head -n1)"
  [[ -n "$jamm" ]] || die "jamm jar not found in $LIB"
  JAVA_ARGS=(
    -Xms"$XMS" -Xmx"$XMX"
    -Xss256k
    -ea -da:net.openhft...
    -XX:+UseThreadPriorities
    -XX:+UseTLAB -XX:+ResizeTLAB
    -XX:+PerfDisableSharedMem
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1
    -XX:G1RSetUpdatingPauseTimePercent=5 -XX:MaxGCPauseMillis=300
    -XX:InitiatingHeapOccupancyPercent=70
    -XX:+ExitOnOutOfMemoryError -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath="$LOGS"
    -XX:ErrorFile="$LOGS/hs_err_%p.log"
    "-Xlog:gc=info:file=$LOGS/gc.log:time,uptime:filecount=3,filesize=10m"
    -Djava.net.preferIPv4Stack=true
    -Djdk.attach.allowAttachSelf=true
    "${JPMS_OPTS[@]}"
    -Dio.netty.tryReflectionSetAccessible=true
    -Dio.netty.allocator.useCacheForAllThreads=true
    -Dio.netty.allocator.maxOrder=11
    # from cassandra-env.sh
    -javaagent:"$jamm"
    -Dcassandra.jmx.local.port="$JMX_PORT"
    -Djava.rmi.server.hostname=127.0.0.1
    # where things are
    -Dcassandra.config="file://$CONF/cassandra.yaml"
    -Dlogback.configurationFile="file://$CONF/logback.xml"
    -Dcassandra.logdir="$LOGS"
    -Dcassandra.storagedir="$DIR"
    -Dcassandra.triggers_dir="$CONF/triggers"
    # single node: don't wait for a ring that will never come
    -Dcassandra.skip_wait_for_gossip_to_settle=0
    -Dcassandra.ring_delay_ms=100
    -Dcassandra.superuser_setup_delay_ms=0
    -cp "$LIB/*"
  )
  # shellcheck disable=SC2206
  [[ -n "${CASSANDRA_JVM_OPTS:-}" ]] && JAVA_ARGS+=(${CASSANDRA_JVM_OPTS})
  JAVA_ARGS+=(org.apache.cassandra.service.CassandraDaemon)
}

# ---------------------------------------------------------------- CQL check
# Runs with the project's cassandra-driver. MODE=version prints the release
# version; MODE=smoke also creates/uses/drops keyspace "smoke".
cql_check() {
  local mode="$1"
  [[ -d "$ROOT/node_modules/cassandra-driver" ]] || die "cassandra-driver not in $ROOT/node_modules (npm ci first)"
  CQL_HOST="$HOST" CQL_PORT="$PORT" CQL_MODE="$mode" NODE_PATH="$ROOT/node_modules" \
    node --input-type=commonjs - <<'EOF'
const cassandra = require('cassandra-driver');
const client = new cassandra.Client({
  contactPoints: [process.env.CQL_HOST],
  protocolOptions: { port: Number(process.env.CQL_PORT) },
  localDataCenter: 'datacenter1',
  socketOptions: { connectTimeout: 5000, readTimeout: 30000 },
});
(async () => {
  try {
    await client.connect();
    const r = await client.execute('SELECT release_version FROM system.local');
    const version = r.first().release_version;
    if (process.env.CQL_MODE === 'smoke') {
      await client.execute('DROP KEYSPACE IF EXISTS smoke');
      await client.execute("CREATE KEYSPACE smoke WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      await client.execute('CREATE TABLE smoke.kv (k text PRIMARY KEY, v blob, n bigint)');
      const v = Buffer.from('hello cassandra');
      await client.execute('INSERT INTO smoke.kv (k, v, n) VALUES (?, ?, ?)', ['key1', v, cassandra.types.Long.fromNumber(42)], { prepare: true });
      const got = (await client.execute('SELECT v, n FROM smoke.kv WHERE k = ?', ['key1'], { prepare: true })).first();
      if (!got || !Buffer.isBuffer(got.v) || !got.v.equals(v) || got.n.toNumber() !== 42) {
        throw new Error('smoke: read back mismatch: ' + JSON.stringify(got));
      }
      await client.execute('DROP KEYSPACE smoke');
    }
    process.stdout.write(version + '\n');
    await client.shutdown();
    process.exit(0);
  } catch (e) {
    process.stderr.write(String(e && e.message || e) + '\n');
    try { await client.shutdown(); } catch (_) {}
    process.exit(1);
  }
})();
EOF
}

# ---------------------------------------------------------------- commands
cmd_start() {
  command -v java >/dev/null || die "java not found (need Java 17)"
  command -v node >/dev/null || die "node not found"

  # Serialise concurrent 'start's on the same directory.
  exec 9>"$DIR/.start.lock"
  flock 9

  local t0=$SECONDS version pid
  if pid_alive; then
    pid="$(cat "$PIDFILE")"
    if port_open "$PORT" && version="$(cql_check version 2>/dev/null)"; then
      log "already running: Cassandra $version on $HOST:$PORT (pid $pid)"
      return 0
    fi
    log "already running (pid $pid), waiting for CQL on $HOST:$PORT ..."
  else
    rm -f "$PIDFILE"
    if port_open "$PORT"; then
      die "port $HOST:$PORT is already in use by another process (set CASSANDRA_PORT)"
    fi
    if port_open "$STORAGE_PORT"; then
      die "storage port $HOST:$STORAGE_PORT is already in use (set CASSANDRA_STORAGE_PORT)"
    fi
    fetch_lib
    write_config
    java_cmd
    log "starting Cassandra $(cassandra_version) (CQL $HOST:$PORT, storage $STORAGE_PORT, jmx $HOST:$JMX_PORT, heap $XMS..$XMX, dir $DIR)"
    LOG_FROM=0
    [[ -f "$LOGS/system.log" ]] && LOG_FROM="$(wc -l <"$LOGS/system.log")"
    cd "$DIR"
    nohup java "${JAVA_ARGS[@]}" </dev/null >"$LOGS/stdout.log" 2>&1 8>&- 9>&- &
    pid=$!
    echo "$pid" >"$PIDFILE"
    cd - >/dev/null
    log "pid $pid, logs in $LOGS/system.log"
  fi
  t0=$SECONDS

  local deadline=$((SECONDS + START_TIMEOUT)) last_note=0
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      show_log_tail 40
      die "Cassandra process $pid exited during startup"
    fi
    if port_open "$PORT" && version="$(cql_check version 2>/dev/null)"; then
      break
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail 40
      die "CQL did not answer on $HOST:$PORT within ${START_TIMEOUT}s (server left running, pid $pid; 'scripts/cassandra.sh stop' to stop it)"
    fi
    if ((SECONDS - last_note >= 15)); then
      last_note=$SECONDS
      log "waiting for CQL on $HOST:$PORT ... ($((SECONDS - t0))s)"
    fi
    sleep 1
  done
  log "CQL up: Cassandra $version on $HOST:$PORT, ${SECONDS}s since the script started (pid $pid)"

  if [[ "${CASSANDRA_SMOKE:-1}" != "0" ]]; then
    local err
    if ! err="$(cql_check smoke 2>&1 >/dev/null)"; then
      show_log_tail 30
      die "CQL smoke test failed: $err"
    fi
    log "smoke test ok (create keyspace/table, insert, select, drop)"
  fi
}

cmd_stop() {
  if ! [[ -f "$PIDFILE" ]]; then
    log "not running (no pid file)"
    return 0
  fi
  if ! pid_alive; then
    log "not running (stale pid file removed)"
    rm -f "$PIDFILE"
    return 0
  fi
  local pid i
  pid="$(cat "$PIDFILE")"
  log "stopping pid $pid ..."
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after 30s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
  fi
  rm -f "$PIDFILE"
  log "stopped"
}

cmd_status() {
  if pid_alive; then
    local pid rss
    pid="$(cat "$PIDFILE")"
    rss="$(awk '/^VmRSS/ {printf "%d MiB", $2/1024}' "/proc/$pid/status" 2>/dev/null || true)"
    if port_open "$PORT"; then
      echo "running (pid $pid, CQL $HOST:$PORT, rss $rss)"
    else
      echo "running (pid $pid, starting: CQL $HOST:$PORT not open yet, rss $rss)"
    fi
    return 0
  fi
  echo "stopped"
  return 1
}

cmd_check() {
  pid_alive || { echo "stopped"; return 1; }
  local version
  version="$(cql_check smoke)" || die "CQL check failed"
  echo "ok: Cassandra $version on $HOST:$PORT (smoke test passed)"
}

cmd_nodetool() {
  [[ -f "$LIB/.cassandra-all-$(cassandra_version).complete" ]] || die "not installed yet: run start first"
  exec java -Xmx256m "${JPMS_OPTS[@]}" -cp "$LIB/*" -Dlogback.configurationFile="file://$CONF/logback-tools.xml" \
    -Dcassandra.storagedir="$DIR" org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p "$JMX_PORT" "$@"
}

# run the server as this process (a container's): configure, then exec java; SIGTERM stops it
cmd_foreground() {
  command -v java >/dev/null || die "java not found (need Java 17)"
  [[ -f "$LIB/.cassandra-all-$(cassandra_version).complete" ]] || die "no jars in $LIB (scripts/cassandra.sh fetch)"
  write_config
  # a container logs to its stdout
  cat >"$CONF/logback.xml" <<'EOF2'
<configuration scan="false" debug="false">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
  <logger name="com.thinkaurelius.thrift" level="ERROR"/>
</configuration>
EOF2
  java_cmd
  log "Cassandra $(cassandra_version) in the foreground (CQL $HOST:$PORT, storage $STORAGE_PORT, seeds $SEEDS, heap $XMS..$XMX, dir $DIR)"
  cd "$DIR"
  exec java "${JAVA_ARGS[@]}"
}

case "${1:-}" in
  start) cmd_start ;;
  fetch) fetch_lib ;;
  foreground) cmd_foreground ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  check) cmd_check ;;
  restart) cmd_stop; cmd_start ;;
  nodetool) shift; cmd_nodetool "$@" ;;
  log) exec tail -n 50 -F "$LOGS/system.log" ;;
  *)
    echo "usage: $0 {start|stop|status|restart|check|nodetool ARGS...|log|fetch|foreground}" >&2
    exit 2
    ;;
esac

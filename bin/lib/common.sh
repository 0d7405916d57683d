# Shared by the bin/ scripts: where things are, and how to get the jar and the classpaths built.
# shellcheck shell=bash

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
APP_JAR="$PROJECT_DIR/target/hospital-incident-streaming.jar"
SPARK_CP_FILE="$PROJECT_DIR/target/classpath/spark.txt"
SERVICES_CP_FILE="$PROJECT_DIR/target/classpath/services.txt"

# Spark's Java 17 module options (launcher/.../JavaModuleOptions.java). The real spark-submit script adds them to
# the driver it launches; calling org.apache.spark.deploy.SparkSubmit with `java` directly, we add them ourselves.
SPARK_JAVA_OPTS=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false)

# Spark warns on every start that the hostname resolves to a loopback address and picks another interface; for a
# run on this machine (local master or a cluster on 127.0.0.1/localhost) say which address to use instead. Set
# SPARK_LOCAL_IP yourself to reach the Spark UI from another machine (the UI binds to it).
if [[ -z "${SPARK_LOCAL_IP:-}" && "${SPARK_MASTER:-local}" =~ ^(local|spark://(127\.0\.0\.1|localhost):) ]]; then
  export SPARK_LOCAL_IP=127.0.0.1
fi

# Everything the job and the tools write is owner-only (docs/DESIGN.md "Privacy and hostile input"): files 0600,
# folders 0700, whatever writes them (Spark's checkpoint and write-ahead log, our outputs, the archive, reports).
# HDFS applies the Hadoop umask of the shipped config (spark.hadoop.fs.permissions.umask-mode=077) instead.
umask 077

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# Builds the application jar (and the classpath files) when they are missing, or when a main source file or the
# pom is newer than the jar (after a `git pull`, a stale jar would run the old code without a word).
ensure_jar() {
  local stale=""
  if [[ -f "$APP_JAR" ]]; then
    stale=$(find "$PROJECT_DIR/src/main" "$PROJECT_DIR/pom.xml" -newer "$APP_JAR" -type f -print -quit 2>/dev/null)
  fi
  if [[ ! -f "$APP_JAR" || ! -f "$SPARK_CP_FILE" || -n "$stale" ]]; then
    echo "$(basename "$0"): building the application jar (mvn package, tests skipped)${stale:+; changed since the last build: ${stale#"$PROJECT_DIR"/}}..." >&2
    (cd "$PROJECT_DIR" && mvn -B -q -DskipTests package) >&2 || die "build failed"
  fi
}

# Writes the classpath files (Spark jars, broker and HDFS jars) when they are missing; no compile needed.
ensure_classpaths() {
  if [[ ! -f "$SPARK_CP_FILE" || ! -f "$SERVICES_CP_FILE" ]]; then
    echo "$(basename "$0"): resolving jars from Maven..." >&2
    (cd "$PROJECT_DIR" && mvn -B -q -Dcheckstyle.skip generate-resources) >&2 || die "dependency resolution failed"
  fi
}

# Waits until HOST:PORT accepts TCP connections; fails after TIMEOUT seconds or when PID dies.
wait_for_port() {
  local host=$1 port=$2 timeout=$3 pid=${4:-}
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
      return 0
    fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.5
  done
  return 1
}

# True when PIDFILE names a live process whose command line contains MARKER (so a reused pid is never ours).
pid_alive() {
  local pidfile=$1 marker=$2 pid
  [[ -f "$pidfile" ]] || return 1
  pid=$(cat "$pidfile")
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"
}

# Stops the process of PIDFILE (SIGTERM, then SIGKILL after 30 s) if it is ours; removes the pid file.
stop_pidfile() {
  local pidfile=$1 marker=$2 name=$3 pid
  if ! pid_alive "$pidfile" "$marker"; then
    rm -f "$pidfile"
    echo "$name: not running"
    return 0
  fi
  pid=$(cat "$pidfile")
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"
  fi
  rm -f "$pidfile"
  echo "$name: stopped (pid $pid)"
}

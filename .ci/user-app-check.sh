#!/usr/bin/env bash
# What a user does: install the artifacts into a fresh local repository, build a new Spring Boot app
# outside the reactor (.ci/user-app: Boot's parent, the rollback BOM, no version overrides), run it,
# send it bounded loopback traffic, make its new path fail, and see the feature rolled back with no
# failed request. One cell per Boot version x Prometheus registry (with, without) x Java (17, 25).
# Run after the main build (it reuses its downloads); under 5 minutes on 2 busy cores.
#   BOOT_VERSIONS   the Boot 4.0.x versions to test, lowest and highest that resolve (default 4.0.7,
#                   the only 4.0.x the build's repository serves with all its starters)
#   JAVA17_HOME, JAVA25_HOME   the two JDKs
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BOOT_VERSIONS=${BOOT_VERSIONS:-4.0.7}
JAVA17_HOME=${JAVA17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
JAVA25_HOME=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
WORK=$ROOT/target/user-app-check
# A fresh local repository for our artifacts; what the main build downloaded is read from the user's
# repository behind it (Maven 3.9's tail), never written to.
REPO=$WORK/m2
TAIL=${MAVEN_REPO_TAIL:-$HOME/.m2/repository}
MVN_REPO=(-Dmaven.repo.local="$REPO" -Dmaven.repo.local.tail="$TAIL")
VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)

for jdk in "$JAVA17_HOME" "$JAVA25_HOME"; do
  [[ -x $jdk/bin/java ]] || { echo "no JDK at $jdk (set JAVA17_HOME / JAVA25_HOME)"; exit 1; }
done
rm -rf "$REPO/dev/rollback" "$WORK"/app-*
mkdir -p "$WORK"

echo "-- installing rollback $VERSION into $REPO"
./mvnw -B -q -ntp "${MVN_REPO[@]}" install -DskipTests \
  -pl rollback-bom,rollback-core,rollback-flags,rollback-liquibase,rollback-spring-starter -am

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# $1 = base URL, $2 = first user number, $3 = count: GETs /price over one keep-alive connection,
# prints how many answered anything but 200.
traffic() {
  local cfg=$WORK/urls
  : >"$cfg"
  for ((i = $2; i < $2 + $3; i++)); do
    printf 'url = "%s/price?user=user-%d&quantity=%d"\noutput = "/dev/null"\n' "$1" $((i % 500)) $((i % 7 + 1)) >>"$cfg"
  done
  curl -s --max-time 120 -w '%{http_code}\n' -K "$cfg" | grep -cv '^200$' || true
}

run_cell() { # boot prometheus(yes|no) java-feature-version java-home
  local boot=$1 prom=$2 java=$3 jdk=$4
  local cell="boot $boot, prometheus $prom, java $java"
  local app=$WORK/app-$boot-$prom-$java
  cp -r .ci/user-app "$app"
  local extra=""
  [[ $prom == yes ]] && extra='    <dependency>
      <groupId>io.micrometer</groupId>
      <artifactId>micrometer-registry-prometheus</artifactId>
    </dependency>'
  python3 - "$app" "$boot" "$VERSION" "$java" "$extra" <<'PY'
import sys, pathlib
app, boot, version, java, extra = sys.argv[1:]
t = pathlib.Path(app, "pom.xml.in").read_text()
t = t.replace("@BOOT@", boot).replace("@ROLLBACK@", version).replace("@JAVA@", java).replace("@EXTRA@", extra)
pathlib.Path(app, "pom.xml").write_text(t)
PY
  echo "-- $cell: build"
  if ! (cd "$app" && JAVA_HOME=$jdk "$ROOT/mvnw" -B -q -ntp "${MVN_REPO[@]}" package >"$app/build.log" 2>&1); then
    tail -40 "$app/build.log"; echo "== user app [$cell]: FAILED (build)"; return 1
  fi
  (cd "$app" && JAVA_HOME=$jdk "$ROOT/mvnw" -B -q -ntp "${MVN_REPO[@]}" dependency:list \
      -DincludeGroupIds=io.micrometer,io.prometheus,org.springframework.boot,com.github.ben-manes.caffeine -DoutputFile=deps.txt >/dev/null 2>&1) || true
  local port; port=$(free_port)
  local base=http://127.0.0.1:$port
  "$jdk/bin/java" -jar "$app/target/pricing-1.0.0.jar" --server.port="$port" >"$app/app.log" 2>&1 &
  local pid=$!
  local ok=0 detail=""
  for _ in $(seq 1 120); do
    curl -sf "$base/actuator/health" >/dev/null 2>&1 && { ok=1; break; }
    kill -0 $pid 2>/dev/null || break
    sleep 0.5
  done
  if ((ok)); then
    local errors=0 sent=0 state=""
    errors=$(( errors + $(traffic "$base" 0 400) )); sent=400
    curl -sf -X POST "$base/regress" >/dev/null
    for _ in 1 2 3 4 5; do
      errors=$(( errors + $(traffic "$base" $sent 400) )); sent=$((sent + 400))
      state=$(curl -sf "$base/actuator/rollback/pricing-v2" || true)
      [[ $state == *ROLLED_BACK* ]] && break
    done
    detail="$sent requests, $errors client errors, rolled back within $((sent - 400)) requests of the regression"
    if [[ $state != *ROLLED_BACK* ]]; then ok=0; detail="$detail, not rolled back: $state"
    elif ! grep -q "Feature 'pricing-v2': rollout 50% (rollback.features.pricing-v2.rollout)" "$app/app.log"; then
      ok=0; detail="$detail, no start-up line with the feature's rollout"
    elif ((errors != 0)); then ok=0
    elif [[ $prom == yes ]] && ! curl -sf "$base/actuator/prometheus" | grep -q '^rollback_state{'; then
      ok=0; detail="$detail, /actuator/prometheus lacks rollback_state"
    fi
  else
    detail="did not start"
  fi
  kill $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  local resolved; resolved=$(grep -oE '(micrometer-core|prometheus-metrics-core|spring-boot|caffeine):jar:[^:]+' "$app/deps.txt" 2>/dev/null | sed 's/:jar:/ /' | sort -u | paste -sd, - || true)
  if ((ok)); then
    echo "== user app [$cell]: OK ($detail; resolved $resolved)"
  else
    tail -40 "$app/app.log"; echo "== user app [$cell]: FAILED ($detail; resolved $resolved)"; return 1
  fi
}

failed=0
for boot in $BOOT_VERSIONS; do
  for prom in no yes; do
    run_cell "$boot" "$prom" 17 "$JAVA17_HOME" || failed=1
    run_cell "$boot" "$prom" 25 "$JAVA25_HOME" || failed=1
  done
done
exit $failed

#!/usr/bin/env bash
# Prints the fault suite's table from the test reports of the build that just ran (.ci/run runs it
# after `verify`): each fault, the load, whether its test passed, the records lost, and what it
# measured. The tests are part of the module suites, so this adds no run time. RELIABILITY.md
# explains each row. Exits non-zero if a fault test did not pass.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0

# result MODULE CLASS METHOD: PASS, FAIL, SKIP or MISSING for one test (a method prefix is enough)
result() {
  local file="$1/target/surefire-reports/TEST-$2.xml"
  [[ -f "$file" ]] || { echo MISSING; return; }
  awk -v m="$3" '
    /<testcase / { inside = index($0, "name=\"" m) > 0; if (inside) { found = 1; if ($0 ~ /\/>[[:space:]]*$/) inside = 0 } }
    inside && /<(failure|error)[ >]/ { bad = 1 }
    inside && /<skipped/ { skipped = 1 }
    inside && /<\/testcase>/ { inside = 0 }
    END { print (!found ? "MISSING" : bad ? "FAIL" : skipped ? "SKIP" : "PASS") }' "$file"
}

# measured MODULE CLASS PREFIX: the line the test printed, starting with PREFIX
measured() {
  local file="$1/target/surefire-reports/TEST-$2.xml"
  [[ -f "$file" ]] && grep -o "$3.*" "$file" | head -1 | sed -e 's/\]\]>.*//' -e 's/&gt;/>/g' -e 's/&lt;/</g' || true
}

row() { # fault | load | module | class | method | records lost | measured prefix
  local r
  r=$(result "$3" "$4" "$5")
  [[ "$r" == PASS ]] || status=1
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$r" "$6" "$( [[ -n "$7" ]] && measured "$3" "$4" "$7" )"
}

echo "| fault | load | result | records lost | measured |"
echo "|---|---|---|---|---|"
row "NUL reason and 100 KB reason at the head of the ledger queue (real PostgreSQL)" "102 rollback records" \
  rollback-core dev.rollback.core.internal.LedgerWriterPostgresTest writesTheRecordsBehindANulReason "0: NUL escaped, 100 KB cut, 100 behind written, no retry" ""
row "record the database refuses even escaped (SQLState 23503)" "11 rollback records" \
  rollback-core dev.rollback.core.internal.LedgerWriterPostgresTest setsAsideARecordTheDatabaseRefuses "0: 1 dead-lettered with metric and ERROR, 10 written" ""
row "database down at close, write in flight" "2 records" \
  rollback-core dev.rollback.core.internal.LedgerWriterPostgresTest countsTheWriteInFlightAtClose "0 silent: both counted in rollback.ledger.dropped and logged" ""
row "agent: revert record refused by the ledger (CHECK, SQLState 23514)" "6 reverts" \
  rollback-agent dev.rollback.agent.throttle.RevertSchedulerTest setsAsideARevertRecordThePostgresLedgerRefuses "0: 1 dead-lettered, 5 written, no retry" ""
row "agent: NUL and newline in an alert's reason (real PostgreSQL)" "1 revert" \
  rollback-agent dev.rollback.agent.throttle.RevertSchedulerTest recordsAReasonWithANulCharacterEscaped "0: recorded escaped" ""
row "POSTs to made-up feature names, write access on, no Spring Security" "2,000 HTTP POSTs" \
  rollback-spring-starter dev.rollback.spring.app.RollbackEndpointWriteTest createsNoFeatureForTwoThousandPosts "n/a: 0 features, 0 meters created" ""
row "migration status read while the database hangs" "report during an outage" \
  rollback-spring-starter dev.rollback.spring.actuate.MigrationStatusCacheTest servesTheLastStatusWithItsAge "n/a" "OUTAGE:"
row "typo and out-of-range rollback.* keys" "5 typos, 3 ranges" \
  rollback-spring-starter dev.rollback.spring.autoconfigure.RollbackPropertiesValidationTest failsStartUpOnAnUnknownKey "n/a" ""
row "slowloris against the agent" "50 slow connections, 200 GET /health" \
  rollback-agent dev.rollback.agent.http.SlowClientsLoadTest answersHealthQuickly "n/a" "SLOWLORIS:"
row "agent JVM killed with SIGKILL during a revert command" "1 command" \
  rollback-agent dev.rollback.agent.execute.CommandProcessGroupTest killsTheCommandWhenTheAgentIsKilled "n/a: command killed with its agent" ""
row "agent restarted while the old command survives" "1 request" \
  rollback-agent dev.rollback.agent.execute.CommandProcessGroupTest killsWhatStillRunsForARequest "n/a: survivor killed before the rerun" ""
row "leader agent killed with SIGKILL during a 20 s command, two agents on PostgreSQL" "1 request" \
  rollback-agent dev.rollback.agent.leader.LeaderTakeoverTest anotherAgentTakesOver "0: 1 ledger record" "HA:"
exit "$status"

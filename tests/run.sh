#!/usr/bin/env bash
# Orderly's one test command: restore, build and test everything this machine can build.
#
#   ./tests/run.sh            (from the repository root)
#
# The Bicep templates are compiled and linted first (infra/build-bicep.sh, the Bicep CLI from NuGet); a warning fails the run.
# Projects marked <OrderlyShell>true</OrderlyShell> are the Azure shell (Functions worker, Durable Task,
# Service Bus). Where the NuGet source lacks their packages they are skipped, each named with the packages
# it is missing; on a machine with full nuget.org they are built too. Any other failure fails the run.
# The last line is the totals: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
config=${CONFIGURATION:-Release}
out="$root/.artifacts"
rm -rf "$out/test-results"
mkdir -p "$out/test-results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '\n== %s\n' "$*"; }

# The real Bicep CLI (from NuGet, infra/bicep-cli) builds and lints every entry template; any diagnostic fails the run.
# Orderly.Infrastructure.Tests read the ARM JSON it writes (ORDERLY_BICEP_ARM_DIR) instead of compiling again.
say "Compiling infra/bicep with the Bicep CLI (build + lint)"
./infra/build-bicep.sh "$out/bicep" || { echo "BICEP FAILED"; exit 1; }
export ORDERLY_BICEP_ARM_DIR="$out/bicep"

# Every project of the solution, as listed in Orderly.slnx.
mapfile -t projects < <(grep -o 'Path="[^"]*\.csproj"' Orderly.slnx | sed 's/^Path="//; s/"$//' | tr '\\' '/')
[ "${#projects[@]}" -gt 0 ] || { echo "no projects found in Orderly.slnx"; exit 1; }

say "Restoring the Azure shell projects (they need packages a partial NuGet mirror may lack)"
buildable=()
skipped=()
skipped_lines=0
for p in "${projects[@]}"; do
  if grep -q '<OrderlyShell>true</OrderlyShell>' "$p"; then
    log="$out/restore-$(basename "$p" .csproj).log"
    if dotnet restore "$p" >"$log" 2>&1; then
      echo "restored: $p"
      buildable+=("$p")
    else
      missing=$(grep -oE 'NU110[12]: Unable to find package [^ .]+(\.[A-Za-z][^ .]*)*' "$log" | sed 's/.*Unable to find package //' | sort -u | paste -sd, -)
      if [ -n "$missing" ]; then
        # Lines no build here compiles: a file that a test or probe project links (<Compile Include=".../App/File.cs">) is compiled.
        lines=0; linked=0
        while IFS= read -r -d '' f; do
          n=$(wc -l <"$f")
          if grep -rqsF --include='*.csproj' "$(basename "$(dirname "$f")")/$(basename "$f")\"" tests; then linked=$((linked + n)); else lines=$((lines + n)); fi
        done < <(find "$(dirname "$p")" -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*' -print0)
        skipped_lines=$((skipped_lines + lines))
        echo "SKIPPED (packages not in this NuGet source: $missing): $p"
        skipped+=("$p: $lines lines of C# not compiled here, $linked more compiled by tests (missing: $missing)")
      else
        echo "restore FAILED for a reason other than missing packages: $p"; tail -n 20 "$log"; exit 1
      fi
    fi
  else
    buildable+=("$p")
  fi
done

# Tests that read a shell project's output skip, saying why, when it is one of these.
export ORDERLY_SKIPPED_SHELLS="${skipped[*]:-}"

# A solution of what can be built here.
{
  echo '<Solution>'
  for p in "${buildable[@]}"; do echo "  <Project Path=\"../$p\" />"; done
  echo '</Solution>'
} >"$out/Buildable.slnx"

# The local Cosmos DB stand-in that the storage contract tests start when no real endpoint is set. Its ~450 packages take
# half a minute to unpack, so they are installed while the build runs, and only when its lock file changed.
cosmos_server=tests/cosmosdb-server
cosmos_server_install=
if [ -f "$cosmos_server/package.json" ] && command -v npm >/dev/null 2>&1; then
  say "Installing @zeit/cosmosdb-server (npm, $cosmos_server/, in the background while the build runs)"
  if cmp -s "$cosmos_server/package-lock.json" "$cosmos_server/node_modules/.orderly-installed-lock"; then
    echo "up to date"
  else
    ( npm ci --prefix "$cosmos_server" --no-audit --no-fund >"$out/npm-cosmosdb-server.log" 2>&1 &&
        cp "$cosmos_server/package-lock.json" "$cosmos_server/node_modules/.orderly-installed-lock" ) &
    cosmos_server_install=$!
  fi
fi

# Azurite, the Azure Storage emulator: the Durable Task Framework's backend for the checkout saga tests on Azure Storage and
# for the end-to-end pass with Sagas__Engine=AzureStorage. Installed the same way, alongside the build.
azurite=tests/azurite
azurite_install=
if command -v npm >/dev/null 2>&1; then
  say "Installing Azurite (npm, $azurite/, in the background while the build runs)"
  if cmp -s "$azurite/package-lock.json" "$azurite/node_modules/.orderly-installed-lock"; then
    echo "up to date"
  else
    ( npm ci --prefix "$azurite" --no-audit --no-fund >"$out/npm-azurite.log" 2>&1 &&
        cp "$azurite/package-lock.json" "$azurite/node_modules/.orderly-installed-lock" ) &
    azurite_install=$!
  fi
fi

say "Building ${#buildable[@]} projects ($config)"
if ! dotnet build "$out/Buildable.slnx" -c "$config" -nologo -clp:ErrorsOnly -p:ContinuousIntegrationBuild=true; then
  echo "BUILD FAILED"; exit 1
fi
if [ -n "$cosmos_server_install" ] && ! wait "$cosmos_server_install"; then
  # A half-installed server would fail the tests; without it they skip, saying it is not installed.
  rm -rf "$cosmos_server/node_modules"
  echo "npm ci in $cosmos_server FAILED (log: $out/npm-cosmosdb-server.log): the Cosmos DB contract tests will skip"
fi

if [ -n "$azurite_install" ] && ! wait "$azurite_install"; then
  echo "npm ci in $azurite FAILED (log: $out/npm-azurite.log)"; tail -n 20 "$out/npm-azurite.log"; exit 1
fi

# One Azurite for the run: in memory, on loopback, on ports the OS picks (read back from what it prints), stopped at exit.
say "Starting Azurite (loopback, in memory)"
azurite_log="$out/azurite.log"
node "$azurite/node_modules/azurite/dist/src/azurite.js" --inMemoryPersistence --extentMemoryLimit 512 --disableTelemetry --silent \
  --blobHost 127.0.0.1 --blobPort 0 --queueHost 127.0.0.1 --queuePort 0 --tableHost 127.0.0.1 --tablePort 0 >"$azurite_log" 2>&1 &
azurite_pid=$!
trap 'kill "$azurite_pid" 2>/dev/null' EXIT
port_of() { grep -oE "Azurite $1 service is successfully listening at http://127.0.0.1:[0-9]+" "$azurite_log" | grep -oE '[0-9]+$'; }
for _ in $(seq 1 100); do
  [ -n "$(port_of Blob)" ] && [ -n "$(port_of Queue)" ] && [ -n "$(port_of Table)" ] && break
  kill -0 "$azurite_pid" 2>/dev/null || break
  sleep 0.2
done
[ -n "$(port_of Table)" ] || { echo "AZURITE DID NOT START"; cat "$azurite_log"; exit 1; }
# Azurite's one development account and its published key: valid only against the emulator.
account=devstoreaccount1
export ORDERLY_AZURITE_CONNECTION="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$(port_of Blob)/$account;QueueEndpoint=http://127.0.0.1:$(port_of Queue)/$account;TableEndpoint=http://127.0.0.1:$(port_of Table)/$account;"
echo "Azurite $(node -p "require('./$azurite/node_modules/azurite/package.json').version") on 127.0.0.1: blob $(port_of Blob), queue $(port_of Queue), table $(port_of Table)"

# Everything but the fault suite, which runs on its own below.
say "Testing"
dotnet test "$out/Buildable.slnx" -c "$config" --no-build --nologo --filter "FullyQualifiedName!~Orderly.Faults.Tests" \
  --results-directory "$out/test-results" --logger "trx" --logger "console;verbosity=minimal" 2>&1 | tee "$out/test-output.log"
test_status=${PIPESTATUS[0]}

# The end-to-end suite again, with the local host's saga on the Durable Task Framework's Azure Storage backend (Azurite),
# the engine Durable Functions runs: every checkout, the kill -9 / restart test, traces and dead letters. The HTTP-edge
# suites (route matrix, fuzz) never reach the saga and ran above.
say "Testing end to end with Sagas__Engine=AzureStorage (Azurite)"
Sagas__Engine=AzureStorage Sagas__AzureStorage__ConnectionString="$ORDERLY_AZURITE_CONNECTION" \
  dotnet test tests/Orderly.EndToEnd.Tests/Orderly.EndToEnd.Tests.csproj -c "$config" --no-build --nologo \
  --filter "FullyQualifiedName!~RouteAccessTests&FullyQualifiedName!~FuzzTests" \
  --results-directory "$out/test-results/azure-storage" --logger "trx" --logger "console;verbosity=minimal" 2>&1 | tee -a "$out/test-output.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || test_status=1

# The fault suite (tests/Orderly.Faults.Tests): seven scenarios, one at a time, each on a local host of its own with
# LocalHost__FaultInjection=true, after the other suites so that its recovery seconds are the shop's and not a neighbour's
# contention. Each scenario appends one line of figures to $ORDERLY_FAULT_FIGURES; they are printed here, in scenario order.
say "Fault suite (tests/Orderly.Faults.Tests; docs/faults.md says what each line means)"
export ORDERLY_FAULT_FIGURES="$out/fault-suite.txt"
rm -f "$ORDERLY_FAULT_FIGURES"
fault_started=$SECONDS
dotnet test tests/Orderly.Faults.Tests/Orderly.Faults.Tests.csproj -c "$config" --no-build --nologo \
  --results-directory "$out/test-results/faults" --logger "trx" --logger "console;verbosity=minimal" >"$out/fault-suite-output.log" 2>&1
fault_status=$?
{ grep -E -A1 '^\s+Error Message:' "$out/fault-suite-output.log" | grep -vE '^\s+Error Message:|^--$' | sed 's/^ */FAILED: /'
  grep -E '^(Passed|Failed)!' "$out/fault-suite-output.log"; } | tee -a "$out/test-output.log"
[ "$fault_status" -eq 0 ] || test_status=1
if [ -f "$ORDERLY_FAULT_FIGURES" ]; then sort -n "$ORDERLY_FAULT_FIGURES"; else echo "no figures were written (full output: $out/fault-suite-output.log)"; fi
echo "fault suite wall time: $((SECONDS - fault_started)) s (full output: $out/fault-suite-output.log)"

# Totals from the TRX files (one per test project). Each test's own result is counted: the TRX
# <Counters> element leaves skipped tests out of its totals.
shopt -s nullglob
passed=0; failed=0; notrun=0; files=0
count() { grep -oE '<UnitTestResult [^>]*outcome="[A-Za-z]+"' "$2" | grep -c "outcome=\"$1\"" || true; }
for f in "$out"/test-results/*.trx "$out"/test-results/azure-storage/*.trx "$out"/test-results/faults/*.trx; do
  [ -e "$f" ] || continue
  grep -q '<UnitTestResult ' "$f" || continue # the fault suite's project in the main pass, where the filter left it nothing
  files=$((files + 1))
  passed=$((passed + $(count Passed "$f")))
  failed=$((failed + $(count Failed "$f") + $(count Error "$f") + $(count Timeout "$f") + $(count Aborted "$f")))
  notrun=$((notrun + $(count NotExecuted "$f")))
done

say "Summary"
echo "test projects run: $files"
if [ "$notrun" -gt 0 ]; then
  echo "tests skipped, by reason:"
  awk '/outcome="NotExecuted"/ { want = 1; next }
       want && /<Message>/ { sub(/.*<Message>/, ""); sub(/<\/Message>.*/, ""); print; want = 0 }' \
    "$out"/test-results/*.trx "$out"/test-results/azure-storage/*.trx "$out"/test-results/faults/*.trx | sort | uniq -c | sed 's/^ *\([0-9]*\) /  - \1 × /'
fi
if [ "${#skipped[@]}" -gt 0 ]; then
  echo "shell projects SKIPPED, ${#skipped[@]}, $skipped_lines lines of C# not compiled here in all (their packages are not in this NuGet source; they build where nuget.org is complete):"
  for p in "${skipped[@]}"; do echo "  - $p"; done
fi
if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
  echo "dotnet test exited with $test_status although no test failed: counting the run as failed"
fi
line="$passed passed, $failed failed"
[ "$notrun" -gt 0 ] && line="$line, $notrun skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$files" -gt 0 ]

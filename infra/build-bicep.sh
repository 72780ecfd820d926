#!/usr/bin/env bash
# Compiles every entry template (each .bicep directly in infra/bicep; modules/ are compiled through them) with the real
# Bicep CLI, restored from NuGet by infra/bicep-cli, and writes the ARM JSON to OUT_DIR (default .artifacts/bicep).
# `bicep build` and `bicep lint` both run; any diagnostic either prints, warning or error, fails the step: the CLI exits 0
# on warnings, so its output is what is checked. infra/bicep/bicepconfig.json sets the rules.
#
#   ./infra/build-bicep.sh [OUT_DIR]          (from the repository root; tests/run.sh calls it)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-.artifacts/bicep}
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

tool=infra/bicep-cli/Orderly.BicepCli.csproj
if ! dotnet restore "$tool" >"$out/restore.log" 2>&1; then
  echo "restoring the Bicep CLI FAILED ($tool):"; tail -n 20 "$out/restore.log"; exit 1
fi
bicep=$(dotnet msbuild "$tool" -nologo -getProperty:BicepCli)
[ -f "$bicep" ] || { echo "the Bicep CLI is not where the restored package should hold it: $bicep"; exit 1; }
# NuGet extracts the package's files without guaranteeing the executable bit.
[ -x "$bicep" ] || chmod +x "$bicep"
echo "bicep: $bicep"

failed=0
for entry in infra/bicep/*.bicep; do
  name=$(basename "$entry" .bicep)
  # build and lint are independent processes of ~2 s each: run them side by side.
  "$bicep" build "$entry" --outfile "$out/$name.json" >"$out/$name.build.log" 2>&1 &
  build=$!
  "$bicep" lint "$entry" >"$out/$name.lint.log" 2>&1
  lint_status=$?
  wait "$build"
  build_status=$?
  if [ "$build_status" -ne 0 ] || [ "$lint_status" -ne 0 ] || [ -s "$out/$name.build.log" ] || [ -s "$out/$name.lint.log" ]; then
    failed=1
    echo "FAILED: $entry (bicep build exit $build_status, bicep lint exit $lint_status; every diagnostic fails the step)"
    sort -u "$out/$name.build.log" "$out/$name.lint.log" | sed "s|$(pwd)/||; s/^/  /"
  else
    echo "compiled, no diagnostics: $entry -> $out/$name.json"
  fi
done
exit "$failed"

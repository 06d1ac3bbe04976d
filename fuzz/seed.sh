#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds from the repository's own fixtures (never the real
# IRCC feed): the test feeds, the default scenario (TOML and JSON), the example profiles, the
# example candidate file, and every hand-typed time of the test feeds.
set -euo pipefail
cd "$(dirname "$0")"
root=..
for t in feed feed_between scenario profile candidates dates; do mkdir -p "corpus/$t"; done

cp "$root"/tests/data/feed/*.json corpus/feed/
# One round per seed for the target that puts it between two good rounds.
i=0
for f in "$root"/tests/data/feed/*.json; do
  grep -o '^{"draw[^}]*}' "$f" | while IFS= read -r line; do
    printf '%s' "$line" > "corpus/feed_between/$(basename "$f" .json)-$((i++))"
  done || true
done
cp "$root"/scenarios/default.toml corpus/scenario/
# The same scenario in the JSON form (same keys), when Python 3.11's tomllib is at hand.
python3 -c 'import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], "rb")), indent=1, default=str))' \
  "$root"/scenarios/default.toml > corpus/scenario/default.json 2>/dev/null || rm -f corpus/scenario/default.json
cp "$root"/examples/data/profile.toml "$root"/examples/data/profile_spouse.json corpus/profile/
cp "$root"/examples/data/candidates.csv corpus/candidates/
n=0
for f in "$root"/tests/data/feed/*.json; do
  grep -o '"\(drawDateTime\|drawCutOff\|drawDistributionAsOn\|drawDate\)": "[^"]*"' "$f" \
    | sed 's/^"[A-Za-z]*": "//; s/"$//' | sort -u | while IFS= read -r d; do
      printf '%s' "$d" > "corpus/dates/$(basename "$f" .json)-$((n++))"
    done || true
done
printf '%s' '2025-06-01T12:00:00Z' > corpus/dates/rfc3339
printf '%s' '9999-12-30' > corpus/dates/last-date
echo "seeded: $(for t in corpus/*; do printf '%s=%s ' "${t#corpus/}" "$(ls "$t" | wc -l)"; done)"

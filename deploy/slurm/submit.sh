#!/bin/sh
# Queues an eesim study on Slurm: an array of SHARDS shard tasks, then the merge once every
# one of them succeeded.
#
#   STUDY_DIR=/shared/studies/cec-480 SHARDS=16 EESIM_TODAY=2026-03-01 \
#   EESIM_ARGS="--crs 480 --runs 1000000 --seed 42 --scenario /shared/studies/cec-480/scenario.toml" \
#   ./submit.sh
#
# Any other argument goes to both sbatch calls (a partition, an account: -p long -A proj).
set -eu

: "${STUDY_DIR:?set STUDY_DIR to a folder shared by every node}"
: "${SHARDS:?set SHARDS to the number of shards}"
: "${EESIM_ARGS:?set EESIM_ARGS to the arguments of eesim chance}"
: "${EESIM_TODAY:?set EESIM_TODAY (YYYY-MM-DD) so that every shard asks on the same day}"
export STUDY_DIR SHARDS EESIM_ARGS EESIM_TODAY
here=$(dirname "$0")
mkdir -p "$STUDY_DIR"
array=$(sbatch --parsable "$@" --array="1-$SHARDS" --export=ALL "$here/eesim-shard.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable "$@" --dependency="afterok:$array" --export=ALL "$here/eesim-merge.sbatch")
echo "shards: job $array (array 1-$SHARDS); merge: job ${merge%%;*}, after all shards succeed"
echo "the report: $STUDY_DIR/report.json and $STUDY_DIR/report.txt"

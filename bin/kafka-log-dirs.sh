#!/bin/sh
# Kafka's bin/kafka-log-dirs.sh: see src/cli/kafka-log-dirs.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-log-dirs.cjs" "$@"

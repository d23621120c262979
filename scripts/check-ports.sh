#!/usr/bin/env bash
# Fails with one line naming the first port that is already taken on 127.0.0.1.
for port in "$@"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "make: port $port on 127.0.0.1 is already in use (another Backstage running?); stop it, e.g. 'fuser -k $port/tcp', and run make again" >&2
    exit 1
  fi
done

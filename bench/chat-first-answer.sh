#!/usr/bin/env bash
# Time to the first answer of a Slack slash command when the Docker engine is slow (every call
# takes 5 s, played by WireMock): the deferred path must keep p99 under 1 s, far inside Slack's 3 s.
# Usage: bench/chat-first-answer.sh [requests] [concurrency]   (defaults 200 and 8)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/DockerOps.Api -v quiet -nologo >/dev/null
dotnet build -c Release bench/ChatFirstAnswer -v quiet -nologo >/dev/null
exec dotnet bench/ChatFirstAnswer/bin/Release/net10.0/ChatFirstAnswer.dll \
  src/DockerOps.Api/bin/Release/net10.0/DockerOps.Api.dll "${1:-200}" "${2:-8}"

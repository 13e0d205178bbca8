#!/bin/sh
# isoctr's integration checks again inside the emulated test machine, where
# cgroups are pure v2 (the host here has hybrid ones): same script, so the
# same checks run on both layouts.
exec "$(cd "$(dirname "$0")/../integration" && pwd)/ctr.t" "$@"

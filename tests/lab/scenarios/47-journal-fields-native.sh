#!/bin/bash
# 46-journal-fields with the native-protocol stand-in (tests/lab/journal_sink.py)
# instead of systemd-journald: the same assertions on the datagrams
# charon-systemd and the plugin send, decoded without journald in between.
JOURNAL_MODE=sink exec bash "$(dirname "$0")/46-journal-fields.sh"

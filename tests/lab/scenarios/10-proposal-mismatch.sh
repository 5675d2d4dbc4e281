#!/bin/bash
# gwB only accepts aes128-sha256 for ESP, gwA only proposes aes256gcm16: the
# CHILD_SA fails on proposals: child-proposal-mismatch on gwB (the responder
# raises the alert); what gwA shows is reported.
. "$(dirname "$0")/../lib.sh"

lab_up GWB_ESP_PROPOSALS=aes128-sha256; rc=$?
[ $rc = 2 ] && ok "initiate failed as expected" || { fail "up.sh rc=$rc, want 2 (no proposal chosen)"; finish; }
wait_for_finding gwB child-proposal-mismatch
assert_severity gwB child-proposal-mismatch error
note "gwB child-proposal-mismatch: $(finding_text gwB child-proposal-mismatch)"
sleep 2
note "gwA codes: $(all_codes gwA)"
has_finding gwA child-proposal-mismatch && note "gwA child-proposal-mismatch: $(finding_text gwA child-proposal-mismatch)"
assert_no_finding gwB child-install-failed
finish

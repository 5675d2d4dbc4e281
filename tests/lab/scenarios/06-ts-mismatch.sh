#!/bin/bash
# gwB expects 10.10.2.0/24 behind gwA, gwA offers 10.10.1.0/24: the CHILD_SA
# is refused for its selectors: ts-mismatch on gwB (the responder raises the
# alert); what gwA (initiator, got TS_UNACCEPTABLE) shows is reported.
. "$(dirname "$0")/../lib.sh"

lab_up GWB_REMOTE_TS=10.10.2.0/24; rc=$?
[ $rc = 2 ] && ok "initiate failed as expected" || { fail "up.sh rc=$rc, want 2 (initiate refused)"; finish; }
wait_for_finding gwB ts-mismatch
assert_severity gwB ts-mismatch error
note "gwB ts-mismatch: $(finding_text gwB ts-mismatch)"
sleep 2
note "gwA codes: $(all_codes gwA)"
has_finding gwA ts-mismatch && note "gwA ts-mismatch: $(finding_text gwA ts-mismatch)"
finish

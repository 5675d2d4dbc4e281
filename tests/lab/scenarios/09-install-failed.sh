#!/bin/bash
# kernel-netlink on a host kernel without ESP: the responder gwB cannot
# install the SAs (Function not implemented): child-install-failed on gwB.
# gwA then receives NO_PROPOSAL_CHOSEN, which is not a proposal mismatch:
# what gwA shows is reported.
. "$(dirname "$0")/../lib.sh"

lab_up LAB_KERNEL=netlink; rc=$?
[ $rc = 2 ] && ok "initiate failed as expected" || { fail "up.sh rc=$rc, want 2 (SA install fails)"; finish; }
grep -q 'unable to install' "$(lab_log gwB)" && ok "charon on gwB: unable to install ... SA" ||
	note "precondition: gwB's log has no 'unable to install' (kernel with ESP?)"
wait_for_finding gwB child-install-failed
assert_severity gwB child-install-failed error
note "gwB child-install-failed: $(finding_text gwB child-install-failed)"
sleep 2
note "gwA codes: $(all_codes gwA)"
if has_finding gwA child-proposal-mismatch; then
	note "gwA shows child-proposal-mismatch: $(finding_text gwA child-proposal-mismatch)"
else
	note "gwA shows no child-proposal-mismatch"
fi
finish

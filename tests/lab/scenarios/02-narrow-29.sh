#!/bin/bash
# gwB narrows its side to 10.20.1.0/29, which excludes hostB (10.20.1.10):
# gwA gets ts-narrowed and ts-unprotected (the rest of 10.20.1.0/24 leaves in
# cleartext via wan); gwB, whose config was not narrowed, gets neither.
. "$(dirname "$0")/../lib.sh"

lab_up GWB_LOCAL_TS=10.20.1.0/29 || { fail "lab did not come up"; finish; }
wait_for_finding gwA ts-narrowed
wait_for_finding gwA ts-unprotected
assert_severity gwA ts-unprotected error
txt=$(finding_text gwA ts-unprotected)
note "gwA ts-unprotected: $txt"
note "gwA ts-narrowed: $(finding_text gwA ts-narrowed)"
if echo "$txt" | grep -qi 'cleartext' && echo "$txt" | grep -qw 'wan'; then
	ok "ts-unprotected says the traffic leaves in cleartext via wan"
else
	fail "ts-unprotected does not say 'cleartext' and 'wan': $txt"
fi
for code in ts-narrowed ts-unprotected; do
	assert_no_finding gwB "$code"
done
finish

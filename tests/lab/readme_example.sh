#!/bin/bash
# readme_example.sh NAME [README]: print the code block that follows the
# line "<!-- example: NAME ..." in the README, so a test runs the example
# exactly as the README shows it. Fails if there is no such block.
set -eu
name=$1
readme=${2:-$(cd "$(dirname "$0")/../.." && pwd)/README.md}
awk -v name="$name" '
	index($0, "<!-- example: " name " ") == 1 || $0 == "<!-- example: " name " -->" { want = 1; next }
	want && !inside && /^```/ { inside = 1; next }
	inside && /^```$/ { found = 1; exit }
	inside { print }
	want && !inside && !/^```/ && NF { exit }
	END { exit !found }
' "$readme" || { echo "readme_example.sh: no code block after '<!-- example: $name' in $readme" >&2; exit 1; }

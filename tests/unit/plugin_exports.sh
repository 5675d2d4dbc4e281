#!/bin/sh
#
# Copyright (C) 2026 dataplane-check authors
#
# This program is free software; you can redistribute it and/or modify it
# under the terms of the GNU General Public License as published by the
# Free Software Foundation; either version 2 of the License, or (at your
# option) any later version.
#
# The plugin exports only what charon looks up in it: the constructor and
# the version symbol (and what the toolchain adds to every shared object).
# Env: PLUGIN_SO the built plugin, NM the nm to use (both set by make check)

so=${PLUGIN_SO:?PLUGIN_SO is not set (make check sets it)}
nm=${NM:-nm}
wanted="dataplane_check_plugin_create dataplane_check_plugin_version"
toolchain="_init _fini _edata _end __bss_start"

syms=$($nm -D --defined-only "$so" | awk 'NF { print $NF }') || {
	echo "FAIL: cannot list the dynamic symbols of $so"
	exit 1
}
failed=0
for s in $syms; do
	case " $wanted $toolchain " in
		*" $s "*) ;;
		*) echo "FAIL: $so exports $s"; failed=1;;
	esac
done
for s in $wanted; do
	case " $(echo $syms) " in
		*" $s "*) ;;
		*) echo "FAIL: $so does not export $s"; failed=1;;
	esac
done
[ $failed = 0 ] && echo "PASS: $so exports only $wanted"
exit $failed

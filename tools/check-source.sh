#!/bin/sh
# Source rules that no compiler flag enforces. Run by CTest (lint/source).
# - banned functions: they invite overflows or hide errors (after git's banned.h)
root=${1:-.}
status=0
if grep -rnE '\b(strcpy|strcat|strncpy|strncat|sprintf|vsprintf|strtok|atoi|atol|atoll|gets)[[:space:]]*\(' \
	"$root/src" "$root/tools" --include='*.c' --include='*.h' | grep -v 'check-source: allow'; then
	echo "check-source: banned function above (use snprintf, strtol, buf_*)" >&2
	status=1
fi
exit $status

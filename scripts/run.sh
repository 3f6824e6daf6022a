#!/bin/sh
# `make run`: creates ./var/warroom.db with the demo data when it does not
# exist, gives the admin account a fresh password, prints how to log in,
# and serves on 127.0.0.1:8080 until Ctrl-C.
set -eu
bin=${WARROOM_BIN:-build/warroom}
db=${WARROOM_DB:-var/warroom.db}
listen=${WARROOM_LISTEN:-127.0.0.1:8080}
export WARROOM_DB="$db"

if [ ! -f "$db" ]; then
	"$bin" init >/dev/null
	"$bin" demo
else
	"$bin" init >/dev/null # applies new migrations, if any
fi
if "$bin" user list | awk 'NR > 1 { print $1 }' | grep -qx admin; then
	out=$("$bin" user passwd admin --generate-password)
else
	out=$("$bin" user add admin --role admin --generate-password)
fi
password=$(printf '%s\n' "$out" | sed -n 's/^password: //p')

cat <<MSG

  warroom is starting on http://$listen
  log in as:  admin
  password:   $password   (new at every start of make run)
  database:   $db
  stop with Ctrl-C

MSG
exec "$bin" serve --listen "$listen"

#!/usr/bin/env bash
# Checks that the given processes (and their child processes) listen on loopback only.
#
#   tests/check_loopback.sh PID...
#
# Pass the daemons themselves too where a wrapper starts them detached (embedded PostgreSQL's
# postmaster is re-parented to init, so it is no descendant of the recorded pid).
#
# For every PID and each of its descendants, the TCP sockets in LISTEN state it holds (socket
# inodes of /proc/<pid>/fd matched against /proc/net/tcp and /proc/net/tcp6) must be bound to
# 127.0.0.0/8, ::1 or ::ffff:127.x; a wildcard (0.0.0.0, ::) or any other address is reported with
# pid, command and port. Needs no ss/netstat and no root for processes of the same user.
# Prints one line per listening socket; exit status 1 when a socket is not on loopback, a PID does
# not exist, or no PID listens at all; 2 on a usage error.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 PID..." >&2; exit 2; }

descendants() {
  local pid="$1" child
  echo "$pid"
  for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
    descendants "$child"
  done
}

# "0100007F:1F90" (little-endian IPv4) or 32 hex digits (IPv6, four little-endian words) -> text
address() {
  local hex="${1%:*}" port=$((16#${1#*:}))
  if [[ ${#hex} -eq 8 ]]; then
    printf '%d.%d.%d.%d:%d' $((16#${hex:6:2})) $((16#${hex:4:2})) $((16#${hex:2:2})) $((16#${hex:0:2})) "$port"
  else
    local words="" i w
    for i in 0 8 16 24; do
      w="${hex:$i:8}"
      words+="${w:6:2}${w:4:2}${w:2:2}${w:0:2}"
    done
    printf '[%s]:%d' "$(echo "$words" | sed -E 's/(....)/\1:/g; s/:$//' | tr 'A-F' 'a-f')" "$port"
  fi
}

loopback() {
  local hex="${1%:*}"
  case "$hex" in
    ??????7F) return 0 ;;                                   # 127.0.0.0/8
    00000000000000000000000001000000) return 0 ;;           # ::1
    0000000000000000FFFF0000??????7F) return 0 ;;           # ::ffff:127.x.x.x
    *) return 1 ;;
  esac
}

# inode -> local address of every listening socket (state 0A)
declare -A listening
while read -r _ local _ state _ _ _ _ _ inode _; do
  [[ "$state" == "0A" ]] && listening[$inode]="$local"
done < <(tail -q -n +2 /proc/net/tcp /proc/net/tcp6 2>/dev/null)

bad=0 seen=0
for root in "$@"; do
  if [[ ! -d /proc/$root ]]; then
    echo "loopback: pid $root does not exist" >&2
    bad=1
    continue
  fi
  for pid in $(descendants "$root"); do
    [[ -d /proc/$pid ]] || continue # a short-lived child that has already ended
    cmd="$( (tr '\0' ' ' < /proc/"$pid"/cmdline) 2>/dev/null | cut -c1-60 || true)"
    for fd in /proc/"$pid"/fd/*; do
      target="$(readlink "$fd" 2>/dev/null || true)"
      [[ "$target" =~ ^socket:\[([0-9]+)\]$ ]] || continue
      local_address="${listening[${BASH_REMATCH[1]}]:-}"
      [[ -n "$local_address" ]] || continue
      seen=$((seen + 1))
      if loopback "$local_address"; then
        echo "loopback ok: pid $pid listens on $(address "$local_address") ($cmd)"
      else
        echo "NOT LOOPBACK: pid $pid listens on $(address "$local_address") ($cmd)" >&2
        bad=1
      fi
    done
  done
done
if [[ $seen -eq 0 ]]; then
  echo "loopback: none of the pids $* listens on a TCP port" >&2
  bad=1
fi
exit $bad

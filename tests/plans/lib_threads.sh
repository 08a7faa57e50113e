# lib_threads.sh - how many threads a process had at most.

# Peak of /proc/PID/status "Threads:" while PID runs.
peak_threads() {
  local pid=$1 peak=0 n
  while kill -0 "$pid" 2>/dev/null; do
    n=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
    [ -n "$n" ] && [ "$n" -gt "$peak" ] && peak=$n
    sleep 0.02
  done
  echo "$peak"
}

import { quoteShell } from './shell-prelude.js';

/**
 * The bash that runs on a remote host beside its shell. Locally, the runner finds a step's
 * processes in /proc and signals them itself; on a remote host the same work is done by these
 * scripts, started over the host's connection:
 * - the supervisor starts the shell, and when the session's input ends (the run closed the
 *   session, or the runner or the connection died) or the shell itself ends, stops every
 *   process the shell started and removes the shell's private directory;
 * - the control script stops a running step or a background job, and streams a background job's
 *   output, on request of the runner.
 */

/** Bash source in a raw template literal, where `\${` stands for bash's `${` (which would interpolate). */
function bash(strings: TemplateStringsArray, ...values: string[]): string {
  return String.raw(strings, ...values).replaceAll('\\${', '${');
}

/** Helpers shared by the supervisor and the control script. Only bash builtins, /proc and sleep. */
const LIBRARY = bash`
# Fields of /proc/PID/stat after the command name, into __f: state ppid pgrp session …
__alts_stat() {
  local __s
  { IFS= read -r __s < "/proc/$1/stat"; } 2>/dev/null || return 1
  __s=\${__s##*) }
  local IFS=' '
  __f=($__s)
}

# Pids of the children of process $1, into __c.
__alts_children() {
  __c=()
  if [[ -r /proc/$1/task/$1/children ]]; then
    read -r -a __c 2>/dev/null < "/proc/$1/task/$1/children"
    return 0
  fi
  local p
  for p in /proc/[0-9]*; do
    __alts_stat "\${p#/proc/}" && [[ \${__f[1]} == "$1" ]] && __c+=("\${p#/proc/}")
  done
  return 0
}

# Process $1 and all its descendants, as p: targets appended to __t.
__alts_tree() {
  local p kids
  __t+=("p:$1")
  __alts_children "$1"
  kids=("\${__c[@]}")
  for p in "\${kids[@]}"; do __alts_tree "$p"; done
}

# True while a target runs (g:N a process group, p:N a process). Zombies do not count.
__alts_running() {
  local t p
  local -A groups=()
  for t; do
    case $t in
      p:*) __alts_stat "\${t#p:}" && [[ \${__f[0]} != Z ]] && return 0 ;;
      g:*) groups[\${t#g:}]=1 ;;
    esac
  done
  (( \${#groups[@]} )) || return 1
  for p in /proc/[0-9]*; do
    __alts_stat "\${p#/proc/}" && [[ \${__f[0]} != Z && -n \${groups[\${__f[2]}]-} ]] && return 0
  done
  return 1
}

__alts_signal() {
  local signal=$1 t
  shift
  for t; do
    case $t in
      g:*) kill -s "$signal" -- "-\${t#g:}" ;;
      p:*) kill -s "$signal" "\${t#p:}" ;;
    esac
  done 2>/dev/null
}

# SIGTERM to every target, then SIGKILL to whatever still runs after $1 milliseconds.
__alts_terminate() {
  local grace=$1 waited=0
  shift
  (( $# )) || return 0
  __alts_signal TERM "$@"
  while (( waited < grace )) && __alts_running "$@"; do
    sleep 0.05
    waited=$((waited + 50))
  done
  __alts_signal KILL "$@"
}
`;

/**
 * The supervisor: makes the shell's private directory (mktemp, mode 0700, on tmpfs when the host
 * has one), starts the shell with its input relayed through a FIFO, and cleans up at the end.
 * Arguments: NAME=VALUE pairs exported to the shell.
 */
const SUPERVISOR = bash`
set -u
${LIBRARY}
base=/dev/shm
[[ -d $base && -w $base ]] || base=\${TMPDIR:-/tmp}
dir=$(mktemp -d "$base/alts-tutor.XXXXXXXXXX") && mkfifo -m 600 "$dir/in" || {
  echo "alts-tutor: cannot make a private directory in $base" >&2
  exit 1
}
# Every process the shell starts inherits this mark (the shell's directory, unique to it): the
# end of the session finds them by it, even those whose parent is gone.
mark="ALTS_TUTOR_SHELL=$dir"

# Every process that carries the mark, and the process groups they lead or joined.
__alts_stop_all() {
  local p v own targets=()
  __alts_stat "$$" && own=\${__f[2]}
  for p in /proc/[0-9]*; do
    p=\${p#/proc/}
    [[ $p == "$$" || $p == "$BASHPID" ]] && continue
    while IFS= read -r -d '' v; do
      [[ $v == "$mark" ]] || continue
      targets+=("p:$p")
      __alts_stat "$p" && [[ \${__f[2]} != "$own" ]] && (( \${__f[2]} > 1 )) && targets+=("g:\${__f[2]}")
      break
    done 2>/dev/null < "/proc/$p/environ"
  done
  __alts_terminate "$1" "\${targets[@]}"
}

# From here on the supervisor writes nothing: once the connection is gone, a write (bash's own
# "Terminated" for a killed shell) would kill it with SIGPIPE before it cleans up. The shell
# keeps the connection's stderr, as fd 4 until it starts.
exec 3<&0 </dev/null 4>&2 2>/dev/null
# The relay: the runner's requests reach the shell through it, and their end stops everything,
# even a step that is still running (a busy shell would not see its input end).
( cat <&3 >"$dir/in"; __alts_stop_all 2000 ) >/dev/null 2>&1 4>&- &
relay=$!
exec 3<&-
( export "$mark"; for a; do export "$a"; done; exec bash --noprofile --norc <"$dir/in" 2>&4 4>&- )
status=$?
exec 4>&-
# The shell ended (its input ended, a step ran exit, or it was killed): nothing it started stays.
__alts_children "$relay"
kill "$relay" "\${__c[@]}" 2>/dev/null
__alts_stop_all 2000
rm -rf -- "$dir"
exit "$status"
`;

/**
 * The control script, run beside the shell over the host's connection.
 * Arguments: the shell's directory (which proves this is the shell's host), then one of:
 * - `stop-step SHELL_PID GRACE_MS SCRIPT_GROUP SPARED_GROUP…`: the running step, i.e. the
 *   process groups of the shell's children and SCRIPT_GROUP (0: none), except the spared groups
 *   (background steps, jobs earlier steps left running); a child in the shell's own group (a
 *   `$(…)`) is stopped with its descendants one by one, so the shell lives on;
 * - `stop-job GROUP GRACE_MS FIFO`: a background job, and its reader if it never opened its FIFO;
 * - `follow FIFO`: a background job's output, until every writer is gone (none: the job was
 *   stopped before this reader came).
 */
const CONTROL = bash`
set -u
${LIBRARY}
dir=$1 op=$2
shift 2
[[ -d $dir ]] || {
  echo "alts-tutor: no shell session $dir here (it ended, or this is another machine)" >&2
  exit 3
}
case $op in
  stop-step)
    shell=$1 grace=$2 script=$3
    shift 3
    declare -A spared=()
    for g; do spared[$g]=1; done
    __alts_stat "$shell" || exit 0
    shell_group=\${__f[2]}
    __t=()
    __alts_children "$shell"
    for child in "\${__c[@]}"; do
      __alts_stat "$child" || continue
      if [[ \${__f[2]} == "$shell_group" ]]; then
        __alts_tree "$child"
      elif [[ -z \${spared[\${__f[2]}]-} ]] && (( \${__f[2]} > 1 )); then
        __t+=("g:\${__f[2]}")
      fi
    done
    [[ $script != 0 && -z \${spared[$script]-} ]] && __t+=("g:$script")
    __alts_terminate "$grace" "\${__t[@]}"
    ;;
  stop-job)
    __alts_terminate "$2" "g:$1"
    # A job killed before it opened its FIFO leaves its reader waiting in open(): a writer that
    # comes and goes releases it (it then reads end of file). The FIFO is removed while that
    # writer holds it, so that a reader still on its way finds no FIFO rather than waiting forever.
    if [[ -p $3 ]] && exec 5<>"$3"; then
      rm -f -- "$3"
      exec 5>&-
    fi
    ;;
  follow)
    # No FIFO: stop-job removed it before this reader came, and the job wrote nothing.
    { exec 3<"$1"; } 2>/dev/null || exit 0
    rm -f -- "$1"
    exec cat <&3
    ;;
  *) echo "alts-tutor: unknown control operation $op" >&2; exit 2 ;;
esac
`;

/**
 * The command line (for `sh -c`, or a login shell over ssh) that starts a host's shell under
 * its supervisor, or says clearly that the host has no bash.
 */
export function remoteShellCommand(exports: readonly string[]): string {
  const supervisor = ['bash', '--noprofile', '--norc', '-c', SUPERVISOR, 'alts-tutor-shell', ...exports].map(quoteShell).join(' ');
  return `command -v bash >/dev/null 2>&1 || { echo 'alts-tutor: this host has no bash, which the steps need: install it, or use an image that has it' >&2; exit 127; }; exec ${supervisor}`;
}

/** argv of a control operation on a host whose shell keeps its files in `runtimeDir`. */
export function remoteControlArgv(runtimeDir: string, operation: string, args: readonly (string | number)[]): string[] {
  return ['bash', '--noprofile', '--norc', '-c', CONTROL, 'alts-tutor-control', runtimeDir, operation, ...args.map(String)];
}

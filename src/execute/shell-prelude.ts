/**
 * The bash side of a host session. Node writes requests on the shell's stdin; every request
 * reads its payload (a step's text, a variable's value) with `read -d ''` up to a NUL byte, so
 * no value or command text is ever parsed as part of the framing. The shell answers with marker
 * lines on stdout: `\x1e<nonce> <kind> <fields…>`, which the Node side splits from step output.
 *
 * Two ways to run a step:
 * - a transcript command (`$ cmd`) is `eval`ed in the shell itself, as cram does, so variables,
 *   functions and the working directory carry over at no cost;
 * - a script block runs in a subshell with `set -eEuo pipefail`, so it stops at its failing line
 *   without killing the session; when its status is the expected one, its variables, functions
 *   and directory are dumped (to a private tmpfs file) and sourced back into the shell.
 * `set -m` gives every job its own process group, so a timeout can kill a step and all it
 * started, and nothing else.
 */
export function shellPrelude(nonce: string, place: ShellPlace): string {
  const prefixes = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'].map((c) => `\${!${c}@}`).join(' ');
  return `
set -m +o history
shopt -s expand_aliases
exec 9</dev/null
__alts_nonce=${nonce}
__alts_dir=${place.runtimeDir === undefined ? '$ALTS_TUTOR_SHELL' : quoteShell(place.runtimeDir)}
declare -A __alts_secret=()
# The framing survives what steps do to the shell, as a terminal's prompt does: a step's IFS
# would join "$*" with another character, and set -u would end the shell at an unset $!.
__alts_mark() { local IFS=' '; builtin printf '\\036%s %s\\n' "$__alts_nonce" "$*"; }

# A transcript command, the hot path: \`__alts_command ID\` then the command text up to a NUL.
# An alias, not a function, so that \`eval\` runs at top level and \`declare\` stays global.
__alts_end() { __alts_mark end "$1" "$__alts_status" "$__alts_job"; }
alias __alts_command='IFS= TMOUT= builtin read -r -d "" __alts_body; { eval "$__alts_body"; } <&9 2>&1; __alts_status=$? __alts_job=\${!-}; __alts_end'

# Every form a secret's value takes in bash's quoting (see secretForms in secret-masker.ts):
# as it is, in '…' (set -x, \${v@Q}), after printf %q, in $'…', in "…" (declare -p).
__alts_secret_forms() {
  local __alts_s __alts_v __alts_q
  __alts_forms=()
  for __alts_s in "\${!__alts_secret[@]}"; do
    __alts_v=\${!__alts_s}
    [[ -n $__alts_v ]] || continue
    __alts_q="'\\\\''"
    __alts_forms+=("$__alts_v" "\${__alts_v//\\'/$__alts_q}")
    printf -v __alts_q %q "$__alts_v"; __alts_q=\${__alts_q#\\$\\'}; __alts_forms+=("\${__alts_q%\\'}")
    __alts_q=\${__alts_v@Q}; __alts_q=\${__alts_q#\\$}; __alts_q=\${__alts_q#\\'}; __alts_forms+=("\${__alts_q%\\'}")
    __alts_q=\${__alts_v//\\\\/\\\\\\\\}; __alts_q=\${__alts_q//\\"/\\\\\\"}; __alts_q=\${__alts_q//\\$/\\\\\\$}; __alts_forms+=("\${__alts_q//\\\`/\\\\\\\`}")
  done
}
# Whether $1 holds a secret in any of its forms.
__alts_has_secret() {
  local __alts_f
  for __alts_f in "\${__alts_forms[@]}"; do [[ $1 == *"$__alts_f"* ]] && return 0; done
  return 1
}
# $1 as bash words that give it back with each secret in it as a reference to its variable
# ("Bearer \${TOKEN}"), in REPLY; fails when it holds a secret in another form.
__alts_secret_words() {
  local __alts_v=$1 __alts_s __alts_pre __alts_best __alts_best_pre
  REPLY=
  while :; do
    __alts_best=
    for __alts_s in "\${!__alts_secret[@]}"; do
      [[ -n \${!__alts_s} && $__alts_v == *"\${!__alts_s}"* ]] || continue
      __alts_pre=\${__alts_v%%"\${!__alts_s}"*}
      if [[ -z $__alts_best ]] || (( \${#__alts_pre} < \${#__alts_best_pre} )); then
        __alts_best=$__alts_s __alts_best_pre=$__alts_pre
      fi
    done
    [[ -n $__alts_best ]] || break
    __alts_has_secret "$__alts_best_pre" && return 1
    REPLY+=\${__alts_best_pre:+\${__alts_best_pre@Q}}\\"\\\${$__alts_best}\\"
    __alts_s=\${!__alts_best}
    __alts_v=\${__alts_v:\${#__alts_best_pre}+\${#__alts_s}}
  done
  __alts_has_secret "$__alts_v" && return 1
  [[ -n $__alts_v || -z $REPLY ]] && REPLY+=\${__alts_v@Q}
  return 0
}
# Prints a declaration of variable $1, which holds a secret, that rebuilds it from the secret
# variables (present again on resume: re-read or asked); fails when it cannot.
__alts_declare_unsecret() {
  local -n __alts_ref=$1
  local __alts_a=\${!1@a} __alts_k __alts_out
  if [[ $__alts_a != *[aA]* ]]; then
    __alts_secret_words "$__alts_ref" || return 1
    printf 'declare -%s %s=%s\\n' "\${__alts_a:--}" "$1" "$REPLY"
    return 0
  fi
  __alts_out="declare -$__alts_a $1=()"$'\\n'
  for __alts_k in "\${!__alts_ref[@]}"; do
    # An indexed array's keys are numbers; an associative one's are words like its values.
    if [[ $__alts_a == *A* ]]; then __alts_secret_words "$__alts_k" || return 1; else REPLY=$__alts_k; fi
    __alts_out+="$1[$REPLY]="
    __alts_secret_words "\${__alts_ref[$__alts_k]}" || return 1
    __alts_out+="$REPLY"$'\\n'
  done
  printf '%s' "$__alts_out"
}
# A variable holds a secret when one of its keys or values does.
__alts_var_has_secret() {
  local -n __alts_ref=$1
  local __alts_k
  for __alts_k in "\${!__alts_ref[@]}"; do
    __alts_has_secret "$__alts_k" || __alts_has_secret "\${__alts_ref[$__alts_k]}" && return 0
  done
  return 1
}

# Variables, functions and the directory of the current shell, as bash that recreates them.
__alts_dump() {
  # The script's errexit, nounset and ERR trap are still on here: \${arr@a} of an empty array
  # is "unbound" under set -u (which would abort the dump and lose all state), and a false
  # test would make errexit change the script's status and the ERR trap its failing line.
  # \`local -\`: the options come back when the dump returns, in a shell that keeps running (a
  # capture); IFS and noglob of the step must not split the list of names differently.
  local -
  set +eufC
  local IFS=$' \\t\\n'
  trap - ERR
  local __alts_n __alts_keep=() __alts_held=() __alts_forms=()
  # Secrets stay in a state only while the run lasts (the dump a script leaves for its shell,
  # on tmpfs, emptied once sourced); a state captured for the session is saved without them.
  (( \${#__alts_secret[@]} )) && [[ -n \${__alts_saving-} ]] && __alts_secret_forms
  for __alts_n in ${prefixes}; do
    case $__alts_n in
      BASH*|FUNCNAME|LINENO|RANDOM|SRANDOM|SECONDS|EPOCH*|PIPESTATUS|SHLVL|PPID|UID|EUID|GROUPS|\\
      HOST*|MACHTYPE|OSTYPE|OPT*|SHELLOPTS|DIRSTACK|COMP_*|HISTCMD|PWD|OLDPWD|IFS|PS[0-9]|COLUMNS|LINES|_|__alts*) continue ;;
    esac
    [[ -n \${__alts_secret[$__alts_n]-} || \${!__alts_n@a} == *r* ]] && continue
    # The environment the shell started with stays out: it is the user's, not the tutorial's.
    [[ -n \${__alts_env[$__alts_n]+set} && \${__alts_env[$__alts_n]} == "\${!__alts_n}" && \${!__alts_n@a} != *[aA]* ]] && continue
    # A value that holds a secret (COPY=$TOKEN, an array, a header) is written as words that
    # rebuild it from the secret's variable, never as it is: the dump is a file. A nameref holds
    # only the name of what it refers to.
    if (( \${#__alts_forms[@]} )) && [[ \${!__alts_n@a} != *n* ]] && __alts_var_has_secret "$__alts_n"; then
      __alts_held+=("$__alts_n")
    else
      __alts_keep+=("$__alts_n")
    fi
  done
  {
    (( \${#__alts_keep[@]} )) && declare -p "\${__alts_keep[@]}"
    for __alts_n in "\${__alts_held[@]}"; do
      __alts_declare_unsecret "$__alts_n" || printf '# alts-tutor: left out, it holds a secret: variable %s\\n' "$__alts_n"
    done
    # The runner's own functions are defined already; re-sourcing them would only cost time.
    declare -F >| "$__alts_dir/functions"
    mapfile -t __alts_keep < "$__alts_dir/functions"
    __alts_keep=("\${__alts_keep[@]#declare -f* }")
    for __alts_n in "\${__alts_keep[@]}"; do
      [[ $__alts_n == __alts* ]] && continue
      # A function's text cannot be rebuilt from a variable: one that holds a secret stays out.
      if (( \${#__alts_forms[@]} )) && __alts_has_secret "$(declare -f -- "$__alts_n")"; then
        printf '# alts-tutor: left out, it holds a secret: function %s\\n' "$__alts_n"
      else
        declare -f -- "$__alts_n"
      fi
    done
    [[ -z $__alts_stay ]] && printf 'cd -- %q\\n' "$PWD"
  } >| "$__alts_dir/state" 2>/dev/null
  # Its options come back on return (\`local -\`): a false status here would be errexit's.
  return 0
}

# The state for the runner: left in its file, or printed where a remote runner can read it.
${place.stateOnStdout ? stateOnStdout : stateInFile}

# A script step: $1 id, $2 directory ('' for the session's). Sets __alts_status; the caller
# sources the dumped state at top level (so \`declare\` stays global) when the status is expected.
__alts_script() {
  : >| "$__alts_dir/state"
  # The shell's own errexit (a console step ran set -e) must not end the shell when the step
  # fails: the step has errexit of its own. Not \`( … ) || …\`, which switches errexit off inside.
  local __alts_e=$-
  set +e
  (
    __alts_stay=$2
    if [[ -n $2 ]]; then cd -- "$2" || exit; fi
    __alts_mark pgid "$BASHPID"
    # A script's set -x traces its own lines, not the runner's (the dump would fill its output).
    trap '{ set +x; } 2>/dev/null; __alts_dump' EXIT
    set -eEuo pipefail
    trap '{ set +x; } 2>/dev/null; __alts_mark err "$((LINENO - __alts_base + 1))"' ERR
    # __alts_base is LINENO of the body's first line, whatever bash counts eval lines from.
    eval "__alts_base=\\$LINENO; $__alts_body"
  ) </dev/null 2>&1
  __alts_status=$?
  [[ $__alts_e == *e* ]] && set -e
  return 0
}

# A background step: $1 id, $2 FIFO for its output, $3 directory ('' for the session's).
__alts_background() {
  # The status goes in __alts_status: a failure returned here would end a shell under set -e, and
  # calling this in an || list would switch errexit off in the job.
  __alts_status=0
  mkfifo -m 600 "$2" || { __alts_status=$?; return 0; }
  (
    trap '__alts_mark exit "$?"' EXIT
    # Killed by a signal, bash still runs the EXIT trap, with a stale $? (often 0), so a stopped
    # job would read as "exited with 0": die by the signal instead, without the exit marker.
    trap 'trap - EXIT TERM; kill -TERM $BASHPID' TERM
    trap 'trap - EXIT HUP; kill -HUP $BASHPID' HUP
    trap 'trap - EXIT INT; kill -INT $BASHPID' INT
    if [[ -n $3 ]]; then cd -- "$3" || exit; fi
    set -eEuo pipefail
    eval "$__alts_body"
  ) </dev/null >"$2" 2>&1 &
  __alts_mark bg "$1" "$!"
  # Out of the job table: with set -m, bash would print "[1]+ Terminated …" for a stopped job
  # into whatever step runs next. The runner tracks the job by its process group instead.
  disown "$!"
}
# What the shell started with, so that dumps leave it out.
declare -A __alts_env=()
for __alts_n in ${prefixes}; do [[ \${!__alts_n@a} == *[aA]* ]] || __alts_env[$__alts_n]=\${!__alts_n}; done
unset __alts_n
__alts_mark ready "$$" "$__alts_dir"
`;
}

/** Where a shell keeps its state dumps and FIFOs, and how a captured state reaches the runner. */
export interface ShellPlace {
  /** A directory of this machine; undefined: the one the host's supervisor made, in `$ALTS_TUTOR_SHELL`. */
  runtimeDir?: string;
  /** A captured state is printed on stdout (the runner cannot read the host's files). */
  stateOnStdout: boolean;
}

// The dump resets the ERR trap (for a script's subshell); in the shell itself, it is put back.
const stateInFile =
  '__alts_capture() { local __alts_err __alts_saving=1; __alts_err=$(trap -p ERR); __alts_stay=; __alts_dump; eval "$__alts_err"; }';
// `read -d ''` reads the whole file (it holds no NUL) and fails at its end, which is expected.
// A job a step left running (`cmd &`) writes to the same output: the size that follows the state
// (in bytes: the C locale) lets the runner refuse a state such a job wrote into, which it would
// otherwise run as code when it restores it.
const stateOnStdout = `__alts_capture() {
  local __alts_err __alts_saving=1; __alts_err=$(trap -p ERR)
  __alts_stay=; __alts_dump; eval "$__alts_err"
  IFS= read -r -d '' __alts_body < "$__alts_dir/state"
  printf '%s' "$__alts_body"
  local LC_ALL=C
  __alts_mark state "\${#__alts_body}"; __alts_body=
}`;

/**
 * Single-quotes text for bash or sh: safe for any text without a NUL. For the runner's own words
 * (paths, a step's directory); a step's text and a variable's value go to the shell as data.
 */
export function quoteShell(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

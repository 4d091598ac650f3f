/**
 * Who listens on a TCP port of a remote host (a VM over ssh or gcloud, a pod), asked through the
 * host's own shell: what port-owners.ts reads from this machine's /proc, read from the host's.
 * The script prints one line per process holding a listening socket on the port, `own PID NAME`
 * when it is of the step's process tree (its group, or a descendant of it: a server under sudo),
 * `other PID NAME` when not; it exits 2 where /proc/net/tcp cannot be read (not Linux), and the
 * caller falls back to connecting.
 */
export function portHoldersScript(port: number, group = 0): string {
  if (!Number.isInteger(port) || !Number.isInteger(group)) throw new Error('BUG: a port and a group are integers');
  // Only bash builtins, /proc and find(1): `find -lname` reads every descriptor link in one process.
  // It runs in a subshell of the host's shell, under whatever options its steps set (set -u).
  return `
set +eu
printf -v hex '%04X' ${port}
expr=() tables=0 last=
for t in /proc/net/tcp /proc/net/tcp6; do
  [[ -r $t ]] || continue
  tables=1
  while read -r _ addr _ st _ _ _ _ _ inode _; do
    [[ $st == 0A && \${addr##*:} == "$hex" && $inode != 0 ]] || continue
    (( \${#expr[@]} )) && expr+=(-o)
    expr+=(-lname "socket:\\[$inode\\]")
  done < "$t"
done
(( tables )) || exit 2
(( \${#expr[@]} )) || exit 0
find /proc/[0-9]*/fd -maxdepth 1 \\( "\${expr[@]}" \\) 2>/dev/null | while IFS=/ read -r _ _ pid _; do
  [[ $pid == "$last" ]] && continue
  last=$pid whose=other p=$pid
  while (( p > 1 && ${group} > 0 )); do
    IFS= read -r s < "/proc/$p/stat" 2>/dev/null || break
    s=\${s##*) }
    read -r _ ppid pgrp _ <<< "$s"
    if (( pgrp == ${group} )); then whose=own; break; fi
    p=$ppid
  done
  IFS= read -r name < "/proc/$pid/comm" 2>/dev/null || name='?'
  printf '%s %s %s\\n' "$whose" "$pid" "$name"
done
`;
}

export interface PortHolder {
  own: boolean;
  pid: number;
  name: string;
}

/** The lines the script printed; undefined when the host has no /proc to tell (status 2). */
export function parsePortHolders(exitCode: number, stdout: string): PortHolder[] | undefined {
  if (exitCode === 2) return undefined;
  return stdout
    .split('\n')
    .map((line) => /^(own|other) (\d+) (.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ own: match[1] === 'own', pid: Number(match[2]), name: match[3] ?? '?' }));
}

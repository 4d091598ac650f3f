/**
 * Words with which a command run in the shell itself can change the shell's state (variables,
 * functions, directory, options). A command without any of them, and without `=`, only starts
 * programs, which cannot change their parent shell: its state need not be saved again.
 */
const STATEFUL =
  /(?:^|[\s;&|({`])(?:cd|pushd|popd|export|unset|declare|typeset|local|readonly|source|\.|eval|alias|unalias|set|shopt|read|mapfile|readarray|function|let|getopts|trap|umask|exec|printf|enable|builtin|hash)(?=$|[\s;&|)}])|=|\(\)/;

export function mayChangeState(kind: 'command' | 'script', command: string, functions: ReadonlySet<string> = new Set()): boolean {
  if (kind === 'script' || STATEFUL.test(command)) return true;
  // A function runs in the shell itself: calling one may do anything its body does.
  return command.split(/[\s;&|()`{}]+/).some((word) => functions.has(word));
}

/** Names of the shell functions some command defines (`name() {` or `function name`). */
export function definedFunctions(commands: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const command of commands) {
    for (const match of command.matchAll(/(?:^|[\s;&|(])(?:function\s+([A-Za-z_][\w-]*)|([A-Za-z_][\w-]*)\s*\(\s*\))/g)) {
      names.add(match[1] ?? match[2] ?? '');
    }
  }
  names.delete('');
  return names;
}

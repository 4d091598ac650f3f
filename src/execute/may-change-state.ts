/**
 * Words with which a command run in the shell itself can change the shell's state (variables,
 * functions, directory, options). A command without any of them, and without `=`, only starts
 * programs, which cannot change their parent shell: its state need not be saved again.
 */
const STATEFUL =
  /(?:^|[\s;&|({`])(?:cd|pushd|popd|export|unset|declare|typeset|local|readonly|source|\.|eval|alias|unalias|set|shopt|read|mapfile|readarray|function|let|getopts|trap|umask|exec|printf|enable|builtin|hash)(?=$|[\s;&|)}])|=|\(\)/;

export function mayChangeState(kind: 'command' | 'script', command: string): boolean {
  return kind === 'script' || STATEFUL.test(command);
}

/**
 * Variable names a tutorial or `--var` may not set. Variables reach the host's shell as exported
 * shell variables, so a name the shell or the runner gives a meaning would change how the shell
 * frames steps (IFS joins its marker fields, TMOUT times out its reads, POSIXLY_CORRECT changes
 * its error rules) or the runner's own state (`__alts_nonce` hid every marker: the run hung).
 * PATH, HOME and the like stay allowed: a terminal user may set them, and nothing breaks silently.
 */
const RESERVED_PREFIXES = ['__alts', 'ALTS_TUTOR_', 'BASH', 'COMP_'];
const RESERVED = new Set([
  'IFS',
  'TMOUT',
  'POSIXLY_CORRECT',
  'ENV',
  'PS4',
  'SHELLOPTS',
  'PPID',
  'UID',
  'EUID',
  'GROUPS',
  'FUNCNAME',
  'LINENO',
  'RANDOM',
  'SRANDOM',
  'SECONDS',
  'EPOCHSECONDS',
  'EPOCHREALTIME',
  'PIPESTATUS',
  'DIRSTACK',
  'HISTCMD',
  'OPTIND',
  'OPTARG',
  'PWD',
  'OLDPWD',
  'SHLVL',
]);

/** Why `name` cannot be a tutorial's variable, or undefined when it can. */
export function reservedNameReason(name: string): string | undefined {
  const prefix = RESERVED_PREFIXES.find((start) => name.startsWith(start));
  if (prefix)
    return `${name} is reserved (names starting with ${prefix} belong to ${prefix.startsWith('BASH') || prefix === 'COMP_' ? 'bash' : 'alts-tutor'}): choose another name`;
  if (RESERVED.has(name)) return `${name} is reserved: bash gives it a meaning that the runner's shell depends on; choose another name`;
  return undefined;
}

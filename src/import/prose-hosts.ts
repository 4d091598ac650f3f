/**
 * Prose that says where the next commands run: "On `alts-server`:", "Open up a new shell on
 * `alts-client` and run", "On your laptop:". Returns `local`, a host name, or undefined.
 */

const LOCAL = /\b(?:[Oo]n your (?:local )?(?:laptop|machine|workstation|computer|desktop)|[Ll]ocally)\b/;
const HOST_WORDS = '(?:the )?(?:host |VM |vm |instance |machine |node |pod |server )?';
const BACKTICKED = new RegExp(
  `\\b(?:[Oo]n|[Ss]hell on|[Tt]erminal on|[Ll]og ?in to|SSH (?:in)?to|ssh (?:in)?to|[Cc]onnect to) ${HOST_WORDS}\`([A-Za-z0-9][\\w.-]*)\``,
  'g',
);
const PLAIN_ON = new RegExp(`^\\s*[Oo]n ${HOST_WORDS}([A-Za-z0-9][\\w.-]*)\\s*:\\s*$`);
const SHELL_ON = new RegExp(`\\b(?:shell|terminal|session) on ${HOST_WORDS}([A-Za-z0-9][\\w.-]*[A-Za-z0-9])\\b`, 'g');

/** Words that follow "on" in prose without being hosts. */
const NOT_HOSTS = new Set([
  'the',
  'a',
  'an',
  'your',
  'this',
  'that',
  'it',
  'each',
  'both',
  'all',
  'linux',
  'macos',
  'windows',
  'ubuntu',
  'gcp',
  'aws',
]);

/** The host the prose names for the commands after it; `known` are host names the document creates or prompts show. */
export function hostOfProse(text: string, known: ReadonlySet<string>): string | undefined {
  const candidates: { at: number; host: string }[] = [];
  const local = LOCAL.exec(text);
  if (local) candidates.push({ at: local.index, host: 'local' });
  for (const pattern of [BACKTICKED, SHELL_ON]) {
    for (const match of text.matchAll(pattern)) {
      if (match[1] && isHostName(match[1], known)) candidates.push({ at: match.index, host: match[1] });
    }
  }
  const plain = PLAIN_ON.exec(text);
  if (plain?.[1] && isHostName(plain[1], known)) candidates.push({ at: plain.index, host: plain[1] });
  // The last statement in the prose is the one that holds for the commands right after it.
  return candidates.sort((a, b) => a.at - b.at).at(-1)?.host;
}

function isHostName(name: string, known: ReadonlySet<string>): boolean {
  if (NOT_HOSTS.has(name.toLowerCase())) return false;
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(name) || /\.(?:ya?ml|json|go|sh|py|txt|md)$/.test(name)) return false;
  return known.has(name) || /[-\d]/.test(name);
}

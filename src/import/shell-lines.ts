/**
 * What one line of a document looks like: a prompt and its command, a bare command, prose, a
 * heading, output. Heuristics over single lines; `classify-lines.ts` puts them in context.
 */

export interface Prompt {
  command: string;
  /** From `user@host$ `; a bare `word$ ` prompt names no host (`ubuntu$ ` is a user, or this machine). */
  host?: string;
  user?: string;
}

// `$ cmd`, `(venv) $ cmd`, `[user@host dir]$ cmd`, `user@host:~/dir$ cmd`, `root@host:/# cmd`, `ubuntu$ cmd`, `~/dir$ cmd`.
const DOLLAR = /^(?:\([\w.-]+\) )?\$(?: (.*))?$/;
const BRACKETED = /^\[([\w.-]+)@([\w.-]+)(?: [^\]]*)?\][$#] (.*)$/;
const USER_AT_HOST = /^([\w.-]+)@([\w.-]+)(?::[^\s$#]*)?[$#] (.*)$/;
const BARE_WORD = /^(?:[\w.-]+|~[^\s$]*)(?::[^\s$]*)?\$ (.*)$/;

/** The command of a prompt line, and the host its prompt names; undefined when the line has no prompt. */
export function parsePrompt(line: string): Prompt | undefined {
  const dollar = DOLLAR.exec(line);
  if (dollar) return { command: (dollar[1] ?? '').trimEnd() };
  const remote = BRACKETED.exec(line) ?? USER_AT_HOST.exec(line);
  if (remote) {
    const host = remote[2] ?? '';
    const command = (remote[3] ?? '').trimEnd();
    return host === 'localhost' ? { command } : { command, host, ...(remote[1] && { user: remote[1] }) };
  }
  const bare = BARE_WORD.exec(line);
  if (bare) return { command: (bare[1] ?? '').trimEnd() };
  return undefined;
}

/** Programs whose name alone says the line is a command, whatever follows. */
const STRONG_COMMANDS = new Set(
  `gcloud gsutil bq kubectl helm istioctl kustomize docker podman go curl wget python python3 pip pip3 node npm npx yarn pnpm git
  ssh scp rsync sudo export apt apt-get yum dnf brew systemctl journalctl iptables ip6tables sysctl modprobe tcpdump openssl envoy
  grpcurl terraform mkdir chmod chown protoc cargo rustc mvn gradle javac unzip tar nc netcat dig nslookup iptables-save
  iptables-restore gunzip cd`.split(/\s+/),
);

/** Programs whose name is also an English word: a command only with shell syntax or in a short line. */
const WEAK_COMMANDS = new Set(
  `ip cat echo printf ls rm cp mv ln touch source make kill pkill ps watch tee env set unset sleep date grep sed awk head tail less
  jq sort find which whoami hostname uname id ping traceroute ss netstat lsof bash sh zsh time wait true false test exit open
  cmake gcc java ruby perl kind minikube k9s vi vim nano top htop`.split(/\s+/),
);

/** Shell syntax that prose never has. */
const SHELL_SYNTAX = /(?:^|\s)--?[A-Za-z]|[|&;<>$`=]|\.\/|~\/|\/[\w.-]+\/|\w\.(?:sh|py|go|yaml|yml|json|conf|txt|js|mjs)\b/;

/** What makes a line that starts with a program's name a sentence: final punctuation or small words. */
const SENTENCE_SIGNS = /[.!?:]$|\b(?:the|a|an|to|and|or|you|your|is|are|of|for|with|this|that|it|in|on|will|can)\b/i;

/** The executable of a command line: `./server`, `bin/client`, `gcloud` (after `sudo` and `VAR=x`). */
export function executableOf(command: string): string {
  const words = command.trim().split(/\s+/);
  let at = 0;
  while (at < words.length && (words[at] === 'sudo' || /^[A-Za-z_]\w*=/.test(words[at] ?? ''))) at++;
  return words[at] ?? '';
}

/** True when a line without a prompt reads as a shell command rather than prose or output. */
export function looksLikeCommand(line: string): boolean {
  const text = line.trim();
  if (text === '') return false;
  if (/^(?:export\s+)?[A-Za-z_]\w*=\S/.test(text)) return true;
  const first = text.split(/\s+/)[0] ?? '';
  if (/^(?:\.{1,2}\/|~\/|\/(?:usr|bin|opt|sbin)\/|bin\/)[\w./-]*[\w-]$/.test(first)) return true;
  const program = executableOf(text);
  const rest = text.slice(text.indexOf(program) + program.length);
  const syntax = SHELL_SYNTAX.test(rest);
  // A sentence that starts with a program's name ("go to the next page") has no shell syntax.
  if (first === 'sudo') return !/[.!?:]$/.test(text);
  if (STRONG_COMMANDS.has(program)) return syntax || !isProseLike(text) || !SENTENCE_SIGNS.test(text);
  if (WEAK_COMMANDS.has(program)) return syntax || (rest.trim().split(/\s+/).length <= 2 && !/[.!?:]$/.test(text));
  return false;
}

/** A word of a sentence: letters (a capital first at most), maybe quoted or punctuated. */
const PLAIN_WORD = /^[("'“‘]?[A-Za-z][a-z’'-]*[)"'”’.,:;!?]*$/;

/** A sentence: four words or more, most of them plain words. */
export function isProseLike(line: string): boolean {
  const text = line.trim();
  if (/^[*<>{}[\]"|+#]/.test(text)) return false;
  const words = text.split(/\s+/);
  if (words.length < 4) return false;
  const plain = words.filter((word) => PLAIN_WORD.test(word)).length;
  return plain / words.length >= 0.6;
}

/** A short title line of a plain-text document: "Build Client/Server", "Run Envoy on Client/server". */
export function isHeadingLike(line: string): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > 70 || !/^[A-Z0-9]/.test(text)) return false;
  if (/[.,;:!?]$/.test(text) || /[:=${}"<>[\]@|`_]|:\s|\(|\w\.\w/.test(text)) return false;
  // Sentences talk to the reader; titles seldom do.
  if (/\b(?:you|your|we|below|above)\b/i.test(text)) return false;
  const words = text.split(/\s+/);
  return words.length <= 8 && !looksLikeCommand(text);
}

/** A short sentence of plain words ("On alts-client:", "Then run it."): prose, not output, after a blank line. */
export function isShortSentence(line: string): boolean {
  const words = line.trim().split(/\s+/);
  return /^[A-Z]/.test(line.trim()) && words.length >= 2 && words.every((word) => PLAIN_WORD.test(word));
}

/** A shell comment (`# Apply the manifests`), not a heading nor a `#!` line. */
export function isShellComment(line: string): boolean {
  return /^\s*#(?:\s|$)/.test(line);
}

/** How a command line continues onto the next: `\` at its end, or a heredoc opened on it. */
export type Continuation = { kind: 'backslash' } | { kind: 'heredoc'; delimiter: string; indented: boolean } | undefined;

export function continuationOf(line: string): Continuation {
  const heredoc = /<<(-?)\s*(['"]?)([A-Za-z_]\w*)\2/.exec(line);
  if (heredoc?.[3]) return { kind: 'heredoc', delimiter: heredoc[3], indented: heredoc[1] === '-' };
  if (/(?:^|[^\\])(?:\\\\)*\\$/.test(line)) return { kind: 'backslash' };
  return undefined;
}

/** True when `line` closes the heredoc. */
export function endsHeredoc(line: string, continuation: { delimiter: string; indented: boolean }): boolean {
  return (continuation.indented ? line.replace(/^\t+/, '') : line).trim() === continuation.delimiter;
}

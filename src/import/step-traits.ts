import { REDACTION_TOKEN_NAMES, redactLine } from '../check/redaction-tokens.js';
import { executableOf } from './shell-lines.js';

/**
 * What a command is, judged from its text: a server that keeps running, one that needs a
 * terminal, a log-in to another host, job control the run does itself.
 */

const LONG_RUNNING = [
  /(?:^|\/|\s)envoy\s+(?:.*\s)?(?:-c|--config-path|--config-yaml)\b/,
  /\bpython3?\s+-m\s+(?:http\.server|SimpleHTTPServer)\b/,
  /\b(?:npm|yarn|pnpm)\s+(?:start|run\s+(?:dev|serve|start))\b/,
  /\bkubectl\s+port-forward\b/,
  /\bkubectl\s+(?:logs|get)\b.*\s(?:-f|--follow|-w|--watch)\b/,
  /\btail\s+-[fF]\b/,
  /\b(?:flask\s+run|uvicorn|gunicorn|http-server|redis-server|caddy\s+run|nginx\s+-g)\b/,
  /\bsocat\s+\S*LISTEN/,
];

/** True when the command keeps running (a server, a proxy, a follow): it becomes a background step. */
export function isLongRunning(command: string): boolean {
  const text = command.trim();
  if (/(?:^|[^&])&\s*$/.test(text)) return true;
  if (LONG_RUNNING.some((pattern) => pattern.test(text))) return true;
  // `./server`, `bin/greeter_server`, `go run server/main.go`: a program named for what it is.
  const program = executableOf(text).split('/').at(-1) ?? '';
  if (/(?:^|[_-])server$/.test(program) && executableOf(text).includes('/')) return true;
  return /\bgo\s+run\s+\S*server\S*/.test(text) || /\bnode\s+\S*server\S*\.m?js\b/.test(text);
}

/** `python3 -m http.server 8765 &` → `python3 -m http.server 8765`: the run keeps it in the background itself. */
export function withoutTrailingAmpersand(command: string): string {
  return command.replace(/([^&])\s*&\s*$/, '$1').trimEnd();
}

const PORT_PATTERNS = [
  /\bhttp\.server\b(?:\s+-\S+(?:\s+[^-\s]\S*)?)*\s+(\d{2,5})\b/,
  /(?:--port|--listen-port|--http-port|-port)[= ](\d{2,5})\b/,
  /\s-p\s*(\d{2,5})(?::\d+)?\b/,
  /(?:--listen|--addr|--address|--bind|-l|-b)[= ]\S*:(\d{2,5})\b/,
  /\bPORT=(\d{2,5})\b/,
  /\bkubectl\s+port-forward\b.*\s(\d{2,5}):\d+/,
  /(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::\]):(\d{2,5})\b/,
];

/** Lines in which a server says it is up. */
const ANNOUNCEMENT = /\b(?:listening|serving|started|starting|ready|running on|accepting connections|server is up)\b/i;

export interface ReadinessGuess {
  /** Attribute text (`port:8765`, `/Serving HTTP on/`); undefined when nothing could be guessed. */
  ready?: string;
  why: string;
}

/**
 * Readiness for a background step. A port in the command is the surest sign (and does not depend
 * on the program flushing its output: Python's http.server buffers its banner when not on a
 * terminal); else the first line of the shown output in which the server announces itself.
 */
export function guessReadiness(command: string, output: readonly string[]): ReadinessGuess {
  for (const pattern of PORT_PATTERNS) {
    const port = Number(pattern.exec(command)?.[1]);
    if (port >= 1 && port <= 65535) return { ready: `port:${port}`, why: `port ${port} in the command` };
  }
  if (/\bhttp\.server\b/.test(command)) return { ready: 'port:8000', why: "http.server's default port" };
  const line = output.slice(0, 5).find((candidate) => ANNOUNCEMENT.test(candidate));
  if (line !== undefined) {
    const text = stableText(line);
    if (text !== undefined) return { ready: `/${text}/`, why: `the output line "${line.trim()}"` };
  }
  return { why: output.length > 0 ? 'no line of the shown output announces that it is up' : 'the document shows no output for it' };
}

const TOKEN_SPLIT = new RegExp(`\\[(?:${REDACTION_TOKEN_NAMES.join('|')})\\]`);

/** The announcing part of a line that stays the same from run to run, as a regular expression. */
function stableText(line: string): string | undefined {
  const pieces = redactLine(line.trim())
    .split(TOKEN_SPLIT)
    .map((piece) => piece.trim());
  const best = pieces.find((piece) => ANNOUNCEMENT.test(piece)) ?? pieces.reduce((a, b) => (b.length > a.length ? b : a), '');
  const text = best.slice(0, 60).trim();
  if (text.length < 4) return undefined;
  // Backticks cannot appear in a fence's info string.
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/`/g, '\\x60');
}

/** Needs a terminal: `kubectl exec -it`, `docker run -it`, a bare shell or editor. */
export function isInteractive(command: string): boolean {
  const text = command.trim();
  if (/\b(?:kubectl|docker|podman)\s+(?:exec|run)\b[^|;&]*\s(?:-it|-ti|-i\s+-t|-t\s+-i|--stdin\s+--tty)\b/.test(text)) return true;
  return /^(?:bash|sh|zsh|python3?|node|psql|mysql|redis-cli|vi|vim|nano|less|more|top|htop)$/.test(text);
}

/** `kill %1`, `fg`, `jobs`: the run starts and stops background steps itself. */
export function isJobControl(command: string): boolean {
  return /^\s*(?:kill\s+(?:-\w+\s+)?(?:%\S*|\$!)|fg|bg|jobs|disown|wait)(?:\s|$)/.test(command) && !command.includes('\n');
}

/** A command that opens a shell on another host, after which the document's commands run there. */
export interface Login {
  host: string;
  user?: string;
  kind: 'gce' | 'ssh' | 'kubectl';
  /** kubectl's `-n ns pod` for a `kubectl exec -it … -- bash`. */
  selector?: string;
}

export function loginOf(command: string): Login | undefined {
  const text = command.trim();
  if (text.includes('\n')) return undefined;
  const gce = /^gcloud\s+compute\s+ssh\s+(?:([\w.-]+)@)?([a-z][\w-]*)((?:\s+--(?:zone|project)[= ]\S+)*)\s*$/.exec(text);
  if (gce?.[2]) return { host: gce[2], kind: 'gce', ...(gce[1] && { user: gce[1] }) };
  // `gcloud compute scp NAME` with one operand copies nothing: the document means `ssh` (seed 000 has it so).
  const scp = /^gcloud\s+compute\s+scp\s+([a-z][\w-]*)\s*$/.exec(text);
  if (scp?.[1]) return { host: scp[1], kind: 'gce' };
  const ssh = /^ssh\s+(?:-\w+\s+(?:\S+\s+)?)*?(?:([\w.-]+)@)?([\w.-]+)\s*$/.exec(text);
  if (ssh?.[2] && !ssh[2].startsWith('-')) return { host: ssh[2], kind: 'ssh', ...(ssh[1] && { user: ssh[1] }) };
  const exec = /^kubectl\s+exec\s+(.*?)\s+--\s+(?:\/bin\/|\/usr\/bin\/)?(?:ba|z)?sh\s*$/.exec(text);
  if (exec?.[1] && /(?:^|\s)-(?:it|ti)\b/.test(exec[1])) {
    const words = exec[1].split(/\s+/).filter((word) => !/^-(?:it|ti|i|t)$/.test(word));
    const namespace = words.indexOf('-n');
    const target = words.filter((_, index) => index !== namespace && index !== namespace + 1).find((word) => !word.startsWith('-'));
    if (target) {
      const selector = namespace >= 0 && words[namespace + 1] ? `-n ${words[namespace + 1]} ${target}` : target;
      return { host: target.replace(/^.*\//, ''), kind: 'kubectl', selector };
    }
  }
  return undefined;
}

/** VM instances and pods a document creates, by name: how a host named in a prompt or prose is reached. */
export function hostsCreatedBy(command: string): { gce: string[]; pods: Map<string, string> } {
  const gce: string[] = [];
  const pods = new Map<string, string>();
  for (const match of command.matchAll(/\bgcloud\s+(?:beta\s+)?compute\s+instances\s+create\s+((?:[a-z][\w-]*\s*)+)/g)) {
    gce.push(...(match[1] ?? '').split(/\s+/).filter((word) => /^[a-z][\w-]*$/.test(word)));
  }
  const run = /\bkubectl\s+run\s+([a-z][\w-]*)\b(.*)/.exec(command);
  if (run?.[1]) {
    const namespace = /(?:-n|--namespace)[= ](\S+)/.exec(run[2] ?? '')?.[1];
    pods.set(run[1], namespace ? `-n ${namespace} ${run[1]}` : run[1]);
  }
  return { gce, pods };
}

const CLEANUP_HEADING =
  /\b(?:clean\s*-?\s*(?:up|ing)|teardown|tear\s+down|delete\s+(?:the\s+)?resources|deleting|uninstall(?:ing)?|remove\s+(?:the\s+)?resources)\b/i;

/** A section whose commands undo the tutorial: they become teardown steps. */
export function isCleanupHeading(text: string): boolean {
  return CLEANUP_HEADING.test(text);
}

/** curl's exit statuses for the errors its verbose output names. */
const CURL_ERRORS: [RegExp, number][] = [
  [/Could not resolve host/i, 6],
  [/Failed to connect|Connection refused/i, 7],
  [/Empty reply from server/i, 52],
  [/(?:Connection|Operation) timed out/i, 28],
  [/Recv failure/i, 56],
  [/SSL certificate problem/i, 60],
];

/**
 * The exit status a command shown failing has: `curl: (56) …`, or the error curl's verbose output
 * names. Undefined when the output shows no failure (status 0 expected).
 */
export function guessExitStatus(command: string, output: readonly string[]): number | undefined {
  if (executableOf(command) !== 'curl') return undefined;
  for (const line of output) {
    const stated = /^curl: \((\d{1,3})\)/.exec(line.trim());
    if (stated) return Number(stated[1]);
  }
  for (const [pattern, status] of CURL_ERRORS) {
    if (output.some((line) => line.startsWith('*') && pattern.test(line))) return status;
  }
  return undefined;
}

import type { DraftHost, DraftStep, DraftVariable, ImportReport } from './draft-model.js';

const PROJECT = '[a-z][a-z0-9-]{4,28}[a-z0-9]';
const SERVICE_ACCOUNT = new RegExp(
  `(?<![\\w.-])(?:(${PROJECT})@(${PROJECT})\\.iam\\.gserviceaccount\\.com|\\d{6,}-compute@developer\\.gserviceaccount\\.com)(?![\\w-])`,
  'g',
);
/** Where a GCP project id shows in commands and output. */
const PROJECT_PLACES = [
  new RegExp(`@(${PROJECT})\\.iam\\.gserviceaccount\\.com`, 'g'),
  new RegExp(`(?<![\\w.-])(${PROJECT})\\.svc\\.id\\.goog`, 'g'),
  new RegExp(`["']?project_?id["']?\\s*[:=]\\s*["']?(${PROJECT})(?![\\w-])`, 'gi'),
  new RegExp(`--project[= ](${PROJECT})(?![\\w-])`, 'g'),
  new RegExp(`\\bprojects/(${PROJECT})/`, 'g'),
  new RegExp(`\\bgcloud\\s+(?:config\\s+set\\s+project|projects\\s+[a-z-]+)\\s+(${PROJECT})(?![\\w-])`, 'g'),
];
const PROJECT_DEFAULT = '$(gcloud config get-value core/project)';

/**
 * Values that differ for every reader and that the document repeats: GCP project ids and service
 * account emails. Each becomes a variable (a name the document itself assigns it to, when it does),
 * with a default read from gcloud. `text` is the whole document.
 */
export function detectVariables(text: string, steps: readonly DraftStep[], report: ImportReport): DraftVariable[] {
  const commands = steps.map((step) => step.command).join('\n');
  const variables: DraftVariable[] = [];
  const taken = new Set<string>();
  const projects = valuesIn(text, PROJECT_PLACES).filter(isRepeated);
  const projectNames = new Map<string, string>();
  projects.forEach(({ value, count, line }, index) => {
    const name = unique(assignedName(commands, escapeRegExp(value)) ?? (index === 0 ? 'PROJECT_ID' : `PROJECT_ID_${index + 1}`), taken);
    projectNames.set(value, name);
    variables.push({ name, prompt: 'GCP project id', default: PROJECT_DEFAULT, value });
    report.guesses.push({ line, message: `variable ${name}: the project id ${value} appears ${count} times (default ${PROJECT_DEFAULT})` });
  });
  for (const { value, count, line } of valuesIn(text, [SERVICE_ACCOUNT], 0).filter(isRepeated)) {
    const [account = '', project = ''] = value.split('@');
    const projectPart = project.replace(/\.iam\.gserviceaccount\.com$/, '');
    const byReference = new RegExp(`${escapeRegExp(account)}@(?:\\$\\{?\\w+\\}?|${escapeRegExp(projectPart)})\\.iam`);
    const name = unique(assignedName(commands, byReference.source) ?? `${account.replace(/\W/g, '_').toUpperCase()}_SA`, taken);
    const isDefaultCompute = project.startsWith('developer.');
    const spec: DraftVariable = { name, prompt: `service account email (${account}@PROJECT.iam.gserviceaccount.com)`, value };
    if (!isDefaultCompute) spec.default = `$(echo "${account}@$(gcloud config get-value core/project).iam.gserviceaccount.com")`;
    variables.push(spec);
    report.guesses.push({ line, message: `variable ${name}: the service account ${value} appears ${count} times` });
  }
  return variables;
}

/** ZONE for `gce` hosts (`gcloud compute ssh --zone $ZONE`): the zone the document uses most, else gcloud's. */
export function zoneVariable(text: string, targets: Record<string, Record<string, DraftHost>>, report: ImportReport): DraftVariable[] {
  const hasGce = Object.values(targets).some((hosts) => Object.values(hosts).some((host) => 'gce' in host));
  if (!hasGce) return [];
  const [zone] = valuesIn(text, [/--zone[= ]([a-z]+-[a-z]+\d+-[a-z])\b/g]);
  const spec: DraftVariable = {
    name: 'ZONE',
    prompt: 'GCE zone of the VMs',
    default: zone?.value ?? '$(gcloud config get-value compute/zone)',
  };
  const message = `variable ZONE: the zone of the VMs the steps run on (default ${spec.default})`;
  report.guesses.push(zone ? { line: zone.line, message } : { message });
  return [spec];
}

/**
 * Puts `${NAME}` where a variable's value was: in commands (not inside single quotes, where the
 * shell would not expand it) and in the output the page shows. The snapshot keeps the document's
 * values: redaction turns them into `${NAME}` when it is written.
 */
export function applyVariables(steps: DraftStep[], variables: readonly DraftVariable[], report: ImportReport): void {
  const valued = variables
    .filter((variable) => variable.value !== undefined)
    .sort((a, b) => (b.value?.length ?? 0) - (a.value?.length ?? 0));
  if (valued.length === 0) return;
  const byValue = new Map(valued.map((variable) => [variable.value as string, variable.name]));
  const pattern = new RegExp(`(?<![\\w-])(?:${valued.map((variable) => escapeRegExp(variable.value as string)).join('|')})(?![\\w-])`, 'g');
  const replace = (text: string) => text.replace(pattern, (value) => `\${${byValue.get(value)}}`);
  for (const step of steps) {
    step.command = replaceOutsideSingleQuotes(step.command, replace);
    if (singleQuoted(step.command).some((piece) => piece.replace(pattern, '') !== piece)) {
      report.guesses.push({
        line: step.line,
        message: 'variable: a value inside single quotes was left as it is (the shell would not expand it)',
      });
    }
    step.output = step.output.map(replace);
  }
}

const SINGLE_QUOTED = /('[^']*')/;

function replaceOutsideSingleQuotes(command: string, replace: (text: string) => string): string {
  return command
    .split(SINGLE_QUOTED)
    .map((piece, index) => (index % 2 === 1 ? piece : replace(piece)))
    .join('');
}

function singleQuoted(command: string): string[] {
  return command.split(SINGLE_QUOTED).filter((_, index) => index % 2 === 1);
}

interface FoundValue {
  value: string;
  /** How many times the value appears in the text, wherever it is. */
  count: number;
  /** The line it first appears on. */
  line: number;
}

/** Values the patterns capture (group 1, or the whole match with `group` 0) in `text`, most frequent first. */
function valuesIn(text: string, patterns: RegExp[], group = 1): FoundValue[] {
  const values = new Set<string>();
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const value = match[group];
      if (value) values.add(value);
    }
  }
  return [...values]
    .map((value) => {
      const places = [...text.matchAll(new RegExp(`(?<![\\w-])${escapeRegExp(value)}(?![\\w-])`, 'g'))];
      const first = places[0]?.index ?? 0;
      return { value, count: places.length, line: text.slice(0, first).split('\n').length };
    })
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}

/** The shell variable the document assigns a value to (`export SERVER_SA=alts-server@$PROJECT_ID…`). */
function assignedName(commands: string, valueSource: string): string | undefined {
  return new RegExp(`\\b([A-Za-z_]\\w*)=["']?${valueSource}`).exec(commands)?.[1];
}

function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let index = 2; taken.has(candidate); index++) candidate = `${name}_${index}`;
  taken.add(candidate);
  return candidate;
}

/** Seen once, a value may be an example; repeated, it is the reader's to change. */
function isRepeated(found: FoundValue): boolean {
  return found.count >= 2;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

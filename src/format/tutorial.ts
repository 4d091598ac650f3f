/** The typed model of a tutorial file (SPEC section 3). Produced by `parseTutorial`. */

export interface Tutorial {
  /** Id: the file name without `.md`. */
  id: string;
  /** Path of the Markdown file as messages show it (relative to the working directory when under it). */
  file: string;
  title: string;
  requires: string[];
  targets: Record<string, Target>;
  variables: Record<string, VariableSpec>;
  steps: Step[];
  /** Line where the front matter starts (1) or 0 when there is none. */
  frontMatterLine: number;
  /** Markdown after the last step (its closing prose); absent when nothing follows it. */
  closing?: string;
}

export interface Target {
  name: string;
  hosts: Record<string, HostSpec>;
  /** Values the target gives variables (the lab's `PROJECT_ID`), below `--var` and the environment. */
  variables: Record<string, string>;
  /** Programs a run of this target needs on this machine, in place of the tutorial's `requires`. */
  requires?: string[];
  /** The network of a target whose hosts are lab hosts (SPEC section 7); absent otherwise. */
  lab?: LabTopology;
}

/** How a lab target's hosts are wired: what the lab sets up before the first step on a lab host. */
export interface LabTopology {
  /** The lab hosts in declaration order, each with its `netns:` name. */
  hosts: Array<{ name: string; namespace: string }>;
  /** Each network is one Ethernet segment; every host is on at least one. */
  networks: LabNetwork[];
  /** Per host, its routes, each as the arguments of `ip route add`. */
  routes: Record<string, string[][]>;
  /** A metadata host at 169.254.169.254 that runs the ALTS handshaker emulator. */
  metadata?: LabMetadata;
}

export interface LabNetwork {
  name: string;
  /** The network's subnet, `192.0.2.0/24`. */
  subnet: string;
  /** In declaration order; `address` is `192.0.2.10/24`. */
  members: Array<{ host: string; address: string }>;
}

export interface LabMetadata {
  /** Host name → the service account the handshaker emulator gives that host. */
  serviceAccounts: Record<string, string>;
}

export type HostSpec =
  | { kind: 'local' }
  | { kind: 'gce'; instance: string }
  | { kind: 'kubectl'; selector: string }
  | { kind: 'ssh'; destination: string }
  | { kind: 'netns'; namespace: string };

export type HostKind = HostSpec['kind'];

export interface VariableSpec {
  name: string;
  prompt?: string;
  /** A literal, or `$(command)` to run in the local session. */
  default?: string;
  secret: boolean;
}

/** How a background step shows it is ready. */
export type ConcreteReadiness = { kind: 'output'; pattern: RegExp } | { kind: 'port'; port: number } | { kind: 'http'; url: string };

/** A `port:` or `http://` readiness may name variables (`port:$PORT`): resolved when the step runs. */
export type Readiness = ConcreteReadiness | { kind: 'template'; text: string };

/** `cram`: a cram/prysk `.t` file's rules (src/check/cram-line-pattern.ts); only the `.t` reader gives it. */
export type ExpectMode = 'lines' | 'contains' | 'exact' | 'none' | 'cram';

/** Output a step is expected to print, as written in the tutorial. */
export interface ExpectedOutput {
  lines: string[];
  /** Source line of the first expected line. */
  line: number;
  /** Where the shown output stands in the page: what `-u` rewrites in place. */
  span?: OutputSpan;
}

/** The source lines of a step's shown output, so they can be replaced without touching the rest. */
export interface OutputSpan {
  /** Source line (1-based) of the first shown line; new lines go here when `lineCount` is 0. */
  line: number;
  /** How many source lines the output takes: a transcript's trailing blank lines and `[N]` are not in it. */
  lineCount: number;
  /** What stands before each line's text in the source: a list item's indentation, a quote's `> `. */
  prefix: string;
  /** The kind of block the lines stand in, whose syntax written lines must not break. */
  block: 'transcript' | 'fence';
}

export interface Step {
  /** Unique in the file; used by `--from`, `--only` and snapshot files. */
  name: string;
  /** Text of the nearest heading above the step. */
  section: string;
  /** Markdown between the previous step (or heading) and this one. */
  prose: string;
  /** Markdown between the previous step's block (or the page's start) and this one, headings included: what the page shows before it. */
  lead?: string;
  /** `script`: an sh block run as one script with errexit; `command`: one `$ ` line of a transcript. */
  kind: 'script' | 'command';
  command: string;
  /** Source line of the command (the first line inside the fence for scripts). */
  line: number;
  host: string;
  /** Targets the step belongs to; undefined means all. */
  targets?: string[];
  background: boolean;
  ready?: Readiness;
  /** Milliseconds; undefined means the default. */
  timeout?: number;
  /** Expected exit status, from `exit=` or a transcript's `[N]` line. */
  exit: number;
  expect: ExpectMode;
  confirm: boolean;
  teardown: boolean;
  interactive: boolean;
  cwd?: string;
  retry?: { attempts: number; delay: number };
  /** Name of a background step this step stops before it runs. */
  stop?: string;
  expected?: ExpectedOutput;
}

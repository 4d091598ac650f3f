/**
 * The model `alts-tutor import` builds on its way from a plain document to a tutorial draft:
 * document lines → `DocItem`s (what each part of the document is) → `Draft` (sections, steps
 * with hosts and attributes, variables, targets) → Markdown and snapshot files.
 */

/** One line of the source document, or a piece of one that was split (glued scraped text). */
export interface SourceLine {
  text: string;
  /** 1-based line in the source document. */
  line: number;
  /** Set on the pieces of a glued line that are output (a log line glued to a command). */
  output?: boolean;
}

/** A command as the document shows it, with the output under it. */
export interface SourceCommand {
  /** Shell text; several lines for `\` continuations, heredocs and script groups. */
  text: string;
  line: number;
  /** Written with a prompt (`$ `, `user@host$ `) rather than as a bare line. */
  prompted: boolean;
  /** Host named by a `user@host$ ` prompt. */
  promptHost?: string;
  promptUser?: string;
  output: string[];
  /** Shell comments right above the command: its explanation. */
  comments: string[];
  /** Bare commands of one block that run together as one script share a group number. */
  group?: number;
  /** The fenced block the command is in (numbered in document order); undefined outside fences. */
  block?: number;
}

export type DocItem =
  | { kind: 'heading'; depth: number; text: string; line: number }
  /**
   * Markdown text kept as it is (Markdown documents) or one paragraph (plain text). Line 0: shell
   * comments that no command followed, which later prose never joins.
   */
  | { kind: 'prose'; text: string; line: number }
  | { kind: 'command'; command: SourceCommand }
  /** A fenced block that holds no command: code (yaml, go), or output nobody ran here (logs). */
  | { kind: 'block'; lang: string; lines: string[]; line: number; outputOnly: boolean }
  | { kind: 'unclassified'; lines: string[]; line: number; reason: string };

/** A step of the draft, with the attributes import guessed. */
export interface DraftStep {
  /** Set by `nameSteps` once every step is known. */
  name: string;
  command: string;
  line: number;
  /** `local` or a host of the draft's target. */
  host: string;
  /** Expected output as the page shows it (variables as `${NAME}`); empty when none is shown. */
  output: string[];
  /** Output lines with the document's own values, for the snapshot (redacted when written). */
  originalOutput: string[];
  /** Several bare lines run as one `sh` script. */
  script: boolean;
  background: boolean;
  /** Attribute text: `port:N` or `/regex/`. */
  ready?: string;
  teardown: boolean;
  interactive: boolean;
  /** Exit status the output shows the command failing with. */
  exit?: number;
  /** Text of the section heading the step is under (for names). */
  section: string;
}

export type DraftPart =
  | { kind: 'heading'; depth: number; text: string }
  | { kind: 'prose'; text: string }
  | { kind: 'step'; step: DraftStep }
  | { kind: 'block'; lang: string; lines: string[] }
  | { kind: 'unclassified'; lines: string[]; line: number; reason: string };

export interface DraftVariable {
  name: string;
  prompt?: string;
  default?: string;
  /** The value the document shows, replaced by `${NAME}` in commands and output. */
  value?: string;
}

/** A host of the draft's one target, as front matter writes it. */
export type DraftHost = { gce: string } | { kubectl: string } | { ssh: string };

export interface Draft {
  title: string;
  requires: string[];
  /** Target name → host name → host. Empty when every step runs locally. */
  targets: Record<string, Record<string, DraftHost>>;
  variables: DraftVariable[];
  parts: DraftPart[];
}

/** What import could not classify and what it guessed: printed for the person to review. */
export interface ImportReport {
  unclassified: { line: number; text: string; reason: string }[];
  guesses: { line?: number; message: string }[];
}

export function emptyReport(): ImportReport {
  return { unclassified: [], guesses: [] };
}

import * as v from 'valibot';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { TutorialError } from '../errors.js';
import { SLUG, SLUG_RULE } from '../safe-paths.js';
import { type LabKeys, labTopology, TopologyError } from './lab-topology.js';
import { reservedNameReason } from './reserved-names.js';
import type { HostSpec, LabTopology, Target, VariableSpec } from './tutorial.js';

export interface FrontMatter {
  /** The tutorial's id when it is not its file name's. */
  id?: string;
  title?: string;
  requires: string[];
  targets: Record<string, Target>;
  variables: Record<string, VariableSpec>;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST_NAME = /^[A-Za-z0-9][\w.-]*$/;

const scalar = v.pipe(
  v.union([v.string(), v.number(), v.boolean()]),
  v.transform((value) => String(value)),
);

const hostSchema = v.union(
  [
    v.literal('local'),
    v.strictObject({ local: v.literal(true) }),
    v.strictObject({ gce: v.pipe(v.string(), v.nonEmpty()) }),
    v.strictObject({ kubectl: v.pipe(v.string(), v.nonEmpty()) }),
    v.strictObject({ ssh: v.pipe(v.string(), v.nonEmpty()) }),
    v.strictObject({
      // The lab's own namespaces end in `--switch` and `--metadata`: a name cannot start with "-".
      netns: v.pipe(
        v.string(),
        v.regex(/^[A-Za-z0-9][\w.-]{0,39}$/, 'a netns name is 1 to 40 letters, digits, ".", "_" or "-", starting with a letter or digit'),
      ),
    }),
  ],
  'a host is "local" or one of { gce: NAME }, { kubectl: "-n NS POD" }, { ssh: USER@HOST }, { netns: NAME }',
);

const variableObject = v.pipe(
  v.strictObject({
    prompt: v.optional(v.string()),
    default: v.optional(scalar),
    secret: v.optional(v.boolean()),
    description: v.optional(v.string()),
  }),
  v.check((spec) => !(spec.secret && spec.default !== undefined), 'a secret cannot have a default'),
);

// Chosen by the input's shape rather than a union, so that `{ secrett: true }` reports its unknown key
// (at its own line) instead of "matches neither form".
const variableSchema = v.lazy((input) =>
  typeof input === 'object' && input !== null && !Array.isArray(input)
    ? variableObject
    : v.pipe(
        v.union([v.string(), v.number(), v.boolean()], 'a variable is a default value or { prompt, default, secret, description }'),
        v.transform((value) => String(value)),
      ),
);

const PROGRAM = v.pipe(v.string(), v.regex(/^[\w.+-]+$/, 'a required program is a command name (letters, digits, ".", "_", "+" or "-")'));

const schema = v.strictObject({
  id: v.optional(v.pipe(v.string(), v.regex(SLUG, `an id is ${SLUG_RULE}`))),
  title: v.optional(v.string()),
  description: v.optional(v.string()),
  requires: v.optional(v.array(PROGRAM)),
  targets: v.optional(
    v.record(
      v.pipe(v.string(), v.regex(HOST_NAME, 'a target name is letters, digits, ".", "_" or "-"')),
      v.strictObject({
        hosts: v.optional(v.record(v.pipe(v.string(), v.regex(HOST_NAME, 'invalid host name')), hostSchema)),
        variables: v.optional(v.record(v.string(), scalar)),
        // What this target's run needs on this machine, instead of the tutorial's `requires`.
        requires: v.optional(v.array(PROGRAM)),
        // The lab's wiring (docs/lab.md); labTopology checks what the shapes cannot.
        networks: v.optional(
          v.record(
            v.pipe(v.string(), v.regex(HOST_NAME, 'a network name is letters, digits, ".", "_" or "-"')),
            v.record(v.string(), v.string()),
          ),
        ),
        routes: v.optional(v.record(v.string(), v.array(v.string()))),
        metadata: v.optional(v.strictObject({ service_accounts: v.optional(v.record(v.string(), v.pipe(v.string(), v.nonEmpty()))) })),
      }),
    ),
  ),
  variables: v.optional(
    v.record(
      v.pipe(
        v.string(),
        v.regex(VARIABLE_NAME, 'a variable name is a shell identifier'),
        v.rawCheck(({ dataset, addIssue }) => {
          const reason = dataset.typed ? reservedNameReason(dataset.value) : undefined;
          if (reason) addIssue({ message: reason });
        }),
      ),
      variableSchema,
    ),
  ),
});

/**
 * Parses and validates YAML front matter. `firstLine` is the file line of the YAML's first line,
 * so that every error can say where it is.
 */
export function parseFrontMatter(yamlText: string, file: string, firstLine: number): FrontMatter {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line + firstLine - 1;

  const yamlError = document.errors[0];
  if (yamlError) {
    const reason = yamlError.message.split('\n')[0] ?? 'invalid YAML';
    throw new TutorialError(file, lineAt(yamlError.pos[0]), `front matter: ${reason}`);
  }
  let data: unknown;
  try {
    data = document.toJS() ?? {};
  } catch (error) {
    // An alias without its anchor (`*name`) is only found when the document is converted.
    throw new TutorialError(file, firstLine, `front matter: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TutorialError(file, firstLine, 'front matter must be a YAML mapping (key: value lines)');
  }
  const result = v.safeParse(schema, data);
  if (!result.success) {
    const issue = result.issues[0];
    const keys = (issue.path ?? []).map((item) => item.key as string | number);
    const line = keyLine(document, keys, lineAt) ?? firstLine;
    const where = keys.length > 0 ? `${keys.join('.')}: ` : '';
    throw new TutorialError(file, line, `front matter: ${where}${describeIssue(issue)}`);
  }
  try {
    return normalize(result.output);
  } catch (error) {
    if (!(error instanceof TopologyError)) throw error;
    const line = keyLine(document, error.keys, lineAt) ?? firstLine;
    throw new TutorialError(file, line, `front matter: ${error.keys.join('.')}: ${error.message}`);
  }
}

/**
 * Line of the deepest key of `keys` found in the document. The key, not its value: a block value
 * starts on the line below the key that is wrong.
 */
function keyLine(document: Document, keys: (string | number)[], lineAt: (offset: number) => number): number | undefined {
  for (let depth = keys.length; depth > 0; depth--) {
    const parent = document.getIn(keys.slice(0, depth - 1), true);
    const key = keys[depth - 1];
    const node = isMap(parent)
      ? parent.items.find((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key) === String(key))?.key
      : isSeq(parent)
        ? parent.items[Number(key)]
        : undefined;
    const range = (node as { range?: [number, number] } | undefined)?.range;
    if (range) return lineAt(range[0]);
  }
  return undefined;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  if (issue.kind === 'schema' && issue.type === 'strict_object' && issue.input === undefined) {
    return 'unknown key';
  }
  if (issue.type === 'strict_object' && issue.expected === 'never') return 'unknown key';
  return issue.message;
}

function normalize(data: v.InferOutput<typeof schema>): FrontMatter {
  const targets: Record<string, Target> = {};
  for (const [name, target] of Object.entries(data.targets ?? {})) {
    const hosts: Record<string, HostSpec> = {};
    for (const [host, spec] of Object.entries(target.hosts ?? {})) hosts[host] = toHostSpec(spec);
    const lab = targetTopology(name, hosts, target);
    targets[name] = {
      name,
      hosts,
      variables: { ...target.variables },
      ...(target.requires && { requires: target.requires }),
      ...(lab && { lab }),
    };
  }
  const variables: Record<string, VariableSpec> = {};
  for (const [name, spec] of Object.entries(data.variables ?? {})) {
    if (typeof spec === 'string') {
      variables[name] = { name, default: spec, secret: false };
      continue;
    }
    variables[name] = {
      name,
      secret: spec.secret ?? false,
      ...(spec.prompt !== undefined && { prompt: spec.prompt }),
      ...(spec.default !== undefined && { default: spec.default }),
    };
  }
  return {
    ...(data.id !== undefined && { id: data.id }),
    ...(data.title !== undefined && { title: data.title }),
    requires: data.requires ?? [],
    targets,
    variables,
  };
}

/** The target's lab topology; its problems are placed under the target's key. */
function targetTopology(name: string, hosts: Record<string, HostSpec>, keys: LabKeys): LabTopology | undefined {
  try {
    return labTopology(hosts, keys);
  } catch (error) {
    if (error instanceof TopologyError) throw new TopologyError(error.message, ['targets', name, ...error.keys]);
    throw error;
  }
}

function toHostSpec(spec: v.InferOutput<typeof hostSchema>): HostSpec {
  if (spec === 'local' || 'local' in spec) return { kind: 'local' };
  if ('gce' in spec) return { kind: 'gce', instance: spec.gce };
  if ('kubectl' in spec) return { kind: 'kubectl', selector: spec.kubectl };
  if ('ssh' in spec) return { kind: 'ssh', destination: spec.ssh };
  return { kind: 'netns', namespace: spec.netns };
}

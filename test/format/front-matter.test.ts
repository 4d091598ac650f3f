import { describe, expect, it } from 'vitest';
import { TutorialError } from '../../src/errors.js';
import { parseFrontMatter } from '../../src/format/front-matter.js';
import { FILE, fixture, md, parse, parseError } from './helpers.js';

describe('front matter', () => {
  const tutorial = parse(fixture('front-matter.md'));

  it('reads the title and requires', () => {
    expect(tutorial.title).toBe('gRPC ALTS HelloWorld');
    expect(tutorial.requires).toEqual(['gcloud', 'go']);
    expect(tutorial.frontMatterLine).toBe(1);
  });

  it("reads a target's own requires, in place of the tutorial's", () => {
    const own = parseFrontMatter('requires: [gcloud, go]\ntargets:\n  lab: { requires: [go] }\n  gcp: {}\n', FILE, 2);
    expect(own.targets.lab?.requires).toEqual(['go']);
    expect(own.targets.gcp?.requires).toBeUndefined();
  });

  it('reads every host kind of a target', () => {
    expect(tutorial.targets.gcp?.hosts).toEqual({
      'alts-server': { kind: 'gce', instance: 'alts-server' },
      'alts-client': { kind: 'gce', instance: 'alts-client' },
    });
    expect(tutorial.targets.k8s?.hosts).toEqual({
      pod: { kind: 'kubectl', selector: '-n demo deploy/server' },
      here: { kind: 'local' },
    });
    expect(tutorial.targets.aws?.hosts).toEqual({ vm: { kind: 'ssh', destination: 'ec2-user@203.0.113.7' } });
    expect(tutorial.targets.lab?.hosts).toEqual({
      'alts-server': { kind: 'netns', namespace: 'alts-server' },
      'alts-client': { kind: 'netns', namespace: 'alts-client' },
    });
  });

  it('names each target and reads its variables as strings', () => {
    expect(Object.keys(tutorial.targets)).toEqual(['gcp', 'k8s', 'aws', 'lab']);
    expect(tutorial.targets.lab?.name).toBe('lab');
    expect(tutorial.targets.lab?.variables).toEqual({ PROJECT_ID: 'lab-project', REPLICAS: '2' });
    expect(tutorial.targets.gcp?.variables).toEqual({});
  });

  it('reads variables with prompt, default and secret, and the string shorthand as a default', () => {
    expect(tutorial.variables).toEqual({
      PROJECT_ID: { name: 'PROJECT_ID', prompt: 'GCP project id', default: '$(gcloud config get-value core/project)', secret: false },
      ZONE: { name: 'ZONE', default: 'us-central1-a', secret: false },
      TOKEN: { name: 'TOKEN', prompt: 'API token', secret: true },
      REGION: { name: 'REGION', default: 'us-central1', secret: false },
      PORT: { name: 'PORT', default: '50051', secret: false },
    });
  });

  it('lets steps use the hosts and targets it declares', () => {
    expect(tutorial.steps[0]).toMatchObject({ host: 'alts-server', targets: ['gcp', 'lab'] });
  });

  it.each([
    ['local string', 'here: local', { kind: 'local' }],
    ['local: true', 'here: { local: true }', { kind: 'local' }],
    ['gce', 'vm: { gce: my-vm }', { kind: 'gce', instance: 'my-vm' }],
    ['kubectl', 'vm: { kubectl: "deploy/x" }', { kind: 'kubectl', selector: 'deploy/x' }],
    ['ssh', 'vm: { ssh: "root@host" }', { kind: 'ssh', destination: 'root@host' }],
    ['netns', 'vm: { netns: ns-1 }', { kind: 'netns', namespace: 'ns-1' }],
  ])('a %s host gives its kind', (_kind, host, spec) => {
    const { targets } = parseFrontMatter(`targets:\n  t:\n    hosts:\n      ${host}\n`, FILE, 2);
    expect(Object.values(targets.t?.hosts ?? {})).toEqual([spec]);
  });

  it('without front matter, has no targets, variables or requirements', () => {
    const bare = parse(md('# Title'));
    expect(bare).toMatchObject({ requires: [], targets: {}, variables: {}, frontMatterLine: 0 });
  });

  it('accepts an empty front matter and a "..." closing line', () => {
    expect(parse(md('---', '---', '# T')).title).toBe('T');
    expect(parse(md('---', 'title: Dots', '...', '# T')).title).toBe('Dots');
  });

  it('reports errors at file lines from the given first line', () => {
    let error: unknown;
    try {
      parseFrontMatter('title: x\nfoo: 1\n', 'x.md', 10);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TutorialError);
    expect((error as TutorialError).message).toBe('x.md:11: front matter: foo: unknown key');
  });
});

describe('front matter errors', () => {
  it.each([
    ['an unknown top-level key', ['title: x', 'foo: 1'], 3, 'front matter: foo: unknown key'],
    ['an unknown key with a block value (the key line)', ['title: x', 'foo:', '  - a'], 3, 'front matter: foo: unknown key'],
    ['a title that is not a string', ['title: [a]'], 2, /^front matter: title: Invalid type: Expected string/],
    ['a requirement that is not a string', ['requires:', '  - go', '  - 3'], 4, /^front matter: requires\.1: Invalid type/],
    [
      "a target's requirement that is not a command name",
      ['targets:', '  lab:', '    requires: [go, "rm -rf"]'],
      4,
      'front matter: targets.lab.requires.1: a required program is a command name (letters, digits, ".", "_", "+" or "-")',
    ],
    [
      'a host with an unknown kind',
      ['targets:', '  gcp:', '    hosts:', '      a: { gce: x }', '      b: { docker: y }'],
      6,
      'front matter: targets.gcp.hosts.b: a host is "local" or one of { gce: NAME }, { kubectl: "-n NS POD" }, { ssh: USER@HOST }, { netns: NAME }',
    ],
    [
      'a host with an unknown kind as a block (the key line)',
      ['targets:', '  gcp:', '    hosts:', '      b:', '        docker: y'],
      5,
      /^front matter: targets\.gcp\.hosts\.b: a host is "local" or one of/,
    ],
    [
      'a host with two kinds',
      ['targets:', '  t:', '    hosts:', '      b: { gce: x, ssh: y }'],
      5,
      /^front matter: targets\.t\.hosts\.b: a host is/,
    ],
    [
      'a netns name with a space',
      ['targets:', '  t:', '    hosts:', '      b: { netns: "a b" }'],
      5,
      'front matter: targets.t.hosts.b.netns: a netns name is 1 to 40 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ],
    ['an unknown key in a target', ['targets:', '  lab:', '    hostz: {}'], 4, 'front matter: targets.lab.hostz: unknown key'],
    ['a bad target name', ['targets:', '  "bad target": {}'], 3, /^front matter: targets\.bad target: a target name is letters/],
    [
      'a bad variable name',
      ['variables:', '  X: 1', '  bad-name: 2'],
      4,
      'front matter: variables.bad-name: a variable name is a shell identifier',
    ],
    [
      'a bad variable name with a block value (the key line)',
      ['variables:', '  X: 1', '  bad-name:', '    default: 2'],
      4,
      'front matter: variables.bad-name: a variable name is a shell identifier',
    ],
    [
      'an unknown key in a variable',
      ['variables:', '  X:', '    prompt: p', '    secrett: true'],
      5,
      'front matter: variables.X.secrett: unknown key',
    ],
    [
      'a variable that is a list',
      ['variables:', '  X: [a]'],
      3,
      'front matter: variables.X: a variable is a default value or { prompt, default, secret, description }',
    ],
    [
      'a secret with a default',
      ['title: t', 'variables:', '  X: 1', '  TOKEN: { secret: true, default: abc }'],
      5,
      'front matter: variables.TOKEN: a secret cannot have a default',
    ],
    [
      'a secret flag that is not a boolean',
      ['variables:', '  T: { secret: "yes" }'],
      3,
      /^front matter: variables\.T\.secret: Invalid type/,
    ],
    ['a list instead of a mapping', ['- a'], 2, 'front matter must be a YAML mapping (key: value lines)'],
  ])('%s is reported at its line', (_case, yaml, line, problem) => {
    const error = parseError(md('---', ...yaml, '---', '', '# T'));
    expect(error.line).toBe(line);
    if (typeof problem === 'string') expect(error.problem).toBe(problem);
    else expect(error.problem).toMatch(problem);
  });

  it.each([
    ['a tab used as indentation', ['title: x', 'variables:', '\tX: 1'], 4, /^front matter: Tabs are not allowed as indentation/],
    ['a mapping item out of line', ['variables:', '  X: 1', ' Y: 2'], 4, /^front matter: All mapping items must start at the same column/],
    ['a duplicate key', ['title: x', 'requires: []', 'title: y'], 4, /^front matter: Map keys must be unique/],
    ['an item out of line after a list', ['requires:', '  - a', '  b: 1'], 4, /^front matter: /],
    ['an alias without its anchor', ['title: *nope'], 2, /^front matter: Unresolved alias/],
  ])('malformed YAML (%s) is reported at the bad line', (_case, yaml, line, problem) => {
    const error = parseError(md('---', ...yaml, '---', '# T'));
    expect(error.line).toBe(line);
    expect(error.problem).toMatch(problem);
  });

  it('unclosed front matter is reported at line 1', () => {
    const error = parseError(md('---', 'title: x', '', '# Heading', '', 'text'));
    expect(error.message).toBe(`${FILE}:1: front matter starts with --- but is never closed`);
  });
});

describe('lab topology', () => {
  const lab = (...lines: string[]) => parseFrontMatter(['targets:', '  lab:', ...lines].join('\n'), FILE, 2).targets.lab?.lab;

  it('reads hosts, networks, routes and metadata', () => {
    expect(
      lab(
        '    hosts: { client: { netns: client }, router: { netns: router }, web: { netns: web-ns } }',
        '    networks:',
        '      front: { client: 192.0.2.10/24, router: 192.0.2.1/24 }',
        '      back: { router: 198.51.100.1/24, web: 198.51.100.10/24 }',
        '    routes:',
        '      client: ["default via 192.0.2.1"]',
        '      web: ["default  via 198.51.100.1", "203.0.113.0/24 via 198.51.100.1"]',
        '    metadata:',
        '      service_accounts:',
        '        client: client@lab-project.iam.gserviceaccount.com',
      ),
    ).toEqual({
      hosts: [
        { name: 'client', namespace: 'client' },
        { name: 'router', namespace: 'router' },
        { name: 'web', namespace: 'web-ns' },
      ],
      networks: [
        {
          name: 'front',
          subnet: '192.0.2.0/24',
          members: [
            { host: 'client', address: '192.0.2.10/24' },
            { host: 'router', address: '192.0.2.1/24' },
          ],
        },
        {
          name: 'back',
          subnet: '198.51.100.0/24',
          members: [
            { host: 'router', address: '198.51.100.1/24' },
            { host: 'web', address: '198.51.100.10/24' },
          ],
        },
      ],
      routes: {
        client: [['default', 'via', '192.0.2.1']],
        web: [
          ['default', 'via', '198.51.100.1'],
          ['203.0.113.0/24', 'via', '198.51.100.1'],
        ],
      },
      metadata: { serviceAccounts: { client: 'client@lab-project.iam.gserviceaccount.com' } },
    });
  });

  it('puts every host on one network, 192.0.2.0/24 from .10 up, when none is given', () => {
    expect(
      lab('    hosts: { b: { netns: b }, a: { netns: a } }', '    metadata: { service_accounts: { a: a@p.iam.gserviceaccount.com } }'),
    ).toEqual({
      hosts: [
        { name: 'b', namespace: 'b' },
        { name: 'a', namespace: 'a' },
      ],
      networks: [
        {
          name: 'lab',
          subnet: '192.0.2.0/24',
          members: [
            { host: 'b', address: '192.0.2.10/24' },
            { host: 'a', address: '192.0.2.11/24' },
          ],
        },
      ],
      routes: {},
      metadata: { serviceAccounts: { a: 'a@p.iam.gserviceaccount.com' } },
    });
  });

  it('is absent from a target without lab hosts', () => {
    expect(lab('    hosts: { vm: { gce: vm } }')).toBeUndefined();
  });

  const host3 = '    hosts: { client: { netns: client }, router: { netns: router }, web: { netns: web } }';
  const front = '      front: { client: 192.0.2.10/24, router: 192.0.2.1/24 }';
  it.each([
    [
      'a network naming an unknown host',
      [host3, '    networks:', front, '      back:', '        router: 198.51.100.1/24', '        webb: 198.51.100.10/24'],
      9,
      'targets.lab.networks.back.webb: unknown host "webb" (lab hosts: client, router, web)',
    ],
    [
      'an address that is not IPv4',
      [host3, '    networks:', '      front:', '        client: 192.0.2.300/24'],
      7,
      'targets.lab.networks.front.client: "192.0.2.300/24" is not an IPv4 address with a prefix length from /8 to /30, like 192.0.2.10/24',
    ],
    [
      'an address without a prefix length',
      [host3, '    networks:', '      front:', '        client: 192.0.2.10'],
      7,
      /^targets\.lab\.networks\.front\.client: "192\.0\.2\.10" is not an IPv4 address with a prefix length/,
    ],
    [
      "a subnet's own address",
      [host3, '    networks:', '      front:', '        client: 192.0.2.0/24'],
      7,
      'targets.lab.networks.front.client: 192.0.2.0/24 is the network address of its subnet',
    ],
    [
      'an address outside its network',
      [host3, '    networks:', '      front:', '        client: 192.0.2.10/24', '        router: 192.0.3.1/24'],
      8,
      'targets.lab.networks.front.router: 192.0.3.1/24 is not in network front (192.0.2.0/24)',
    ],
    [
      'a duplicate address',
      [host3, '    networks:', front, '      back:', '        router: 198.51.100.1/24', '      side:', '        web: 198.51.100.1/25'],
      10,
      /^targets\.lab\.networks\.side\.web: 198\.51\.100\.1 is already the address of router$/,
    ],
    [
      'overlapping networks',
      [host3, '    networks:', front, '      back:', '        web: 192.0.2.130/25'],
      7,
      'targets.lab.networks.back: network back (192.0.2.128/25) overlaps network front (192.0.2.0/24)',
    ],
    ['a host on no network', [host3, '    networks:', front], 5, 'targets.lab.networks: host web is on no network'],
    [
      'networks on a target with a host that is not a lab host',
      ['    hosts: { a: { netns: a }, b: { gce: b } }', '    networks:', '      n: { a: 192.0.2.10/24 }'],
      5,
      'targets.lab.networks: only a target whose hosts are all netns hosts has networks (host b is gce)',
    ],
    [
      'metadata on a target with a local host',
      ['    hosts: { a: local }', '    metadata: {}'],
      5,
      'targets.lab.metadata: only a target whose hosts are all netns hosts has metadata (host a is local)',
    ],
    [
      'metadata without service accounts',
      ['    hosts: { a: { netns: a } }', '    metadata: {}'],
      5,
      'targets.lab.metadata: metadata needs service_accounts: each lab host that uses ALTS, with its service account',
    ],
    ['routes without lab hosts', ['    routes: { a: ["default via 192.0.2.1"] }'], 4, 'targets.lab.routes: routes needs netns hosts'],
    [
      'routes of an unknown host',
      [host3, '    routes:', '      clinet: ["default via 192.0.2.1"]'],
      6,
      'targets.lab.routes.clinet: unknown host "clinet" (lab hosts: client, router, web)',
    ],
    [
      'an empty route',
      [host3, '    routes:', '      client:', '        - "  "'],
      7,
      'targets.lab.routes.client.0: a route is the arguments of `ip route add`, like "default via 192.0.2.1"',
    ],
    [
      'a service account of an unknown host',
      [host3, '    metadata:', '      service_accounts:', '        server: s@p.iam.gserviceaccount.com'],
      7,
      'targets.lab.metadata.service_accounts.server: unknown host "server" (lab hosts: client, router, web)',
    ],
    ['an unknown key in metadata', [host3, '    metadata: { accounts: {} }'], 5, 'targets.lab.metadata.accounts: unknown key'],
    [
      'two hosts in one namespace',
      ['    hosts:', '      a: { netns: same }', '      b: { netns: same }'],
      6,
      'targets.lab.hosts.b: hosts a and b are both netns same',
    ],
    [
      'a netns name starting with "-"',
      ['    hosts:', '      a: { netns: -switch }'],
      5,
      'targets.lab.hosts.a.netns: a netns name is 1 to 40 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ],
  ])('%s is an error at its key', (_case, lines, line, problem) => {
    const error = parseError(md('---', 'targets:', '  lab:', ...lines, '---', '# T'));
    expect(error.line).toBe(line);
    if (typeof problem === 'string') expect(error.problem).toBe(`front matter: ${problem}`);
    else expect(error.problem.replace(/^front matter: /, '')).toMatch(problem);
  });
});

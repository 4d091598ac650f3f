import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { lintTutorial } from '../../src/check/lint-tutorial.js';
import { obsoleteSnapshots } from '../../src/check/snapshots.js';
import { parseTutorial } from '../../src/format/parse-tutorial.js';

// The envoy-tproxy tutorial as a whole, without running it: its two targets, the files its steps
// need, the Envoy configuration the vm target runs, its snapshots and diagrams.
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stepsDir = join(projectRoot, 'steps', 'envoy-tproxy');
const tutorialFile = join(projectRoot, 'tutorials', 'envoy-tproxy.md');
const tutorial = parseTutorial(readFileSync(tutorialFile, 'utf8'), tutorialFile, 'envoy-tproxy');

const stepsOf = (target: string) => tutorial.steps.filter((step) => !step.targets || step.targets.includes(target));
const namesOf = (target: string) => stepsOf(target).map((step) => step.name);

describe('the envoy-tproxy tutorial', () => {
  test('lints clean', () => {
    expect(lintTutorial(tutorial, projectRoot)).toEqual([]);
  });

  test('has a vm target over ssh and a lab target of three namespaces wired as in the diagram', () => {
    expect(tutorial.targets.vm?.hosts).toEqual({
      client: { kind: 'ssh', destination: '$CLIENT_SSH' },
      router: { kind: 'ssh', destination: '$ROUTER_SSH' },
      web: { kind: 'ssh', destination: '$WEB_SSH' },
    });
    const lab = tutorial.targets.lab;
    expect(lab?.variables).toEqual({ WEB_IP: '198.51.100.10', CLIENT_IP: '192.0.2.10', ROUTER_IP: '192.0.2.1' });
    expect(lab?.lab?.networks.map((network) => [network.name, network.subnet, network.members])).toEqual([
      [
        'front',
        '192.0.2.0/24',
        [
          { host: 'client', address: '192.0.2.10/24' },
          { host: 'router', address: '192.0.2.1/24' },
        ],
      ],
      [
        'back',
        '198.51.100.0/24',
        [
          { host: 'router', address: '198.51.100.1/24' },
          { host: 'web', address: '198.51.100.10/24' },
        ],
      ],
    ]);
    expect(lab?.lab?.routes).toEqual({ client: [['default', 'via', '192.0.2.1']], web: [['default', 'via', '198.51.100.1']] });
  });

  test('runs the router steps in the order that makes TPROXY work, with Envoy on vm and the stand-in in the lab', () => {
    const shared = ['forwarding', 'check-tproxy', 'iptables', 'routes', 'serve-web', 'next-hop', 'curl', 'proxy-log', 'web-log'];
    const inOrder = (names: string[]) => names.filter((name) => shared.includes(name));
    expect(inOrder(namesOf('lab'))).toEqual(shared);
    expect(inOrder(namesOf('vm'))).toEqual(shared);
    expect(namesOf('lab')).toContain('run-proxy');
    expect(namesOf('lab')).not.toContain('run-envoy');
    expect(namesOf('vm')).toEqual(
      expect.arrayContaining(['copy-files', 'install-envoy', 'validate-envoy', 'run-envoy', 'web-route', 'client-route']),
    );
    expect(namesOf('vm')).not.toContain('run-proxy');
    // The proxy must be listening before the client's first request.
    expect(namesOf('lab').indexOf('run-proxy')).toBeLessThan(namesOf('lab').indexOf('curl'));
    expect(namesOf('vm').indexOf('run-envoy')).toBeLessThan(namesOf('vm').indexOf('curl'));
    for (const name of ['run-proxy', 'run-envoy', 'serve-web']) {
      const step = tutorial.steps.find((candidate) => candidate.name === name);
      expect(step?.background, name).toBe(true);
      // Port readiness cannot look inside a namespace or a remote host: readiness is on the output.
      expect(step?.ready?.kind, name).toBe('output');
    }
    const teardown = tutorial.steps.filter((step) => step.teardown).map((step) => step.name);
    expect(teardown).toEqual(['clean-router', 'clean-web', 'clean-web-route', 'clean-client-route']);
    // Changes to the router's firewall and routing, installs and sudo ask again before they run
    // (the script names hide the word iptables from the automatic rule: the tutorial says so itself).
    for (const name of ['iptables', 'routes', 'clean-router', 'install-envoy', 'web-route', 'client-route', 'run-envoy']) {
      expect(tutorial.steps.find((step) => step.name === name)?.confirm, name).toBe(true);
    }
  });

  test('every script a step starts as ./name exists and is executable', () => {
    const scripts = new Set(
      tutorial.steps.flatMap((step) => [...step.command.matchAll(/\.\/([\w.-]+\.(?:sh|py))/g)].map((match) => match[1] as string)),
    );
    expect([...scripts].sort()).toEqual([
      'check_tproxy.sh',
      'clean_router.sh',
      'clean_web.sh',
      'create_iptables.sh',
      'create_routes.sh',
      'enable_forwarding.sh',
      'install_envoy.sh',
      'original_destination.py',
      'serve_web.sh',
    ]);
    for (const script of scripts) expect(() => accessSync(join(stepsDir, script), constants.X_OK), script).not.toThrow();
  });

  test('the Envoy config is a transparent listener with the original destination filter and an ORIGINAL_DST cluster', () => {
    const config = parse(readFileSync(join(stepsDir, 'envoy.yaml'), 'utf8'));
    const listener = config.static_resources.listeners[0];
    expect(listener.transparent).toBe(true);
    // The port the TPROXY rule sends to.
    expect(listener.address.socket_address.port_value).toBe(15001);
    expect(readFileSync(join(stepsDir, 'create_iptables.sh'), 'utf8')).toContain('PROXY_PORT=15001');
    expect(listener.listener_filters.map((filter: { name: string }) => filter.name)).toEqual([
      'envoy.filters.listener.original_dst',
      'envoy.filters.listener.original_src',
    ]);
    const cluster = config.static_resources.clusters[0];
    expect(cluster).toMatchObject({ type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED' });
    expect(cluster.load_assignment).toBeUndefined();
    const hcm = listener.filter_chains[0].filters[0].typed_config;
    expect(hcm.route_config.virtual_hosts[0].routes[0].route.cluster).toBe(cluster.name);
  });

  test('has snapshots only for steps of their target, and both targets check the proxy log', () => {
    const all = new Set(tutorial.steps.map((step) => step.name));
    for (const target of ['lab', 'vm']) {
      const place = { projectRoot, tutorialId: 'envoy-tproxy', target };
      expect(obsoleteSnapshots(place, { ofTarget: new Set(namesOf(target)), all }, ['lab', 'vm']), target).toEqual([]);
      expect(existsSync(join(projectRoot, 'snapshots', 'envoy-tproxy', target, 'proxy-log.txt')), target).toBe(true);
    }
    // The lab's addresses are fixed: its snapshot names them.
    const lab = readFileSync(join(projectRoot, 'snapshots', 'envoy-tproxy', 'lab', 'proxy-log.txt'), 'utf8');
    expect(lab).toContain('original destination 198.51.100.10:80');
    expect(lab).toContain('from 192.0.2.10 (original source)');
  });

  test('links a diagram that exists, and has the same diagram as text for the TUI', () => {
    const markdown = readFileSync(tutorialFile, 'utf8');
    const link = /!\[[^\]]*\]\((\.\.\/assets\/envoy-tproxy\.svg)\)/.exec(markdown)?.[1];
    expect(link).toBeDefined();
    const svg = readFileSync(join(dirname(tutorialFile), link as string), 'utf8');
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(svg);
    expect(parsed.svg['@_viewBox']).toBe('0 0 900 470');
    const text = readFileSync(join(projectRoot, 'assets', 'envoy-tproxy.txt'), 'utf8');
    for (const address of ['192.0.2.10', '192.0.2.1', '198.51.100.1', '198.51.100.10', '15001', 'TPROXY']) {
      expect(svg, address).toContain(address);
      expect(text, address).toContain(address);
    }
    // The TUI cuts lines; the drawing must fit a normal terminal.
    for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
  });
});

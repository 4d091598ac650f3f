import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkEnvoyConfig, isEnvoyConfigFile } from '../support/envoy-config.js';
import { STEPS_DIR, yamlFilesUnderSteps } from '../support/step-files.js';

const PROJECT = join(STEPS_DIR, '..');
const envoyFiles = yamlFilesUnderSteps().filter(isEnvoyConfigFile);
const read = (file: string) => readFileSync(join(PROJECT, file), 'utf8');
const clientYaml = read('steps/alts-envoy/client.yaml');

/** The line (1-based) of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`fixture lost "${needle}"`);
  return index + 1;
}

/** The client config with one exact replacement: the broken fixtures are the real file, mutated. */
function mutate(from: string, to: string, text = clientYaml): string {
  if (!text.includes(from)) throw new Error(`fixture lost "${from}"`);
  return text.replace(from, to);
}

describe('Envoy configs under steps/', () => {
  it('finds the configs by name: *envoy*.yaml, client.yaml, server.yaml', () => {
    expect(envoyFiles).toEqual(expect.arrayContaining(['steps/alts-envoy/client.yaml', 'steps/alts-envoy/server.yaml']));
    expect(isEnvoyConfigFile('steps/envoy-tproxy/envoy.yaml')).toBe(true);
    expect(isEnvoyConfigFile('steps/x/router-envoy.yml')).toBe(true);
    expect(isEnvoyConfigFile('steps/asm-mtls/app-1-permissive.yaml')).toBe(false);
  });

  it.each(envoyFiles)('%s uses only v3 fields Envoy accepts', (file) => {
    const problems = checkEnvoyConfig(read(file)).map((problem) => `${file}:${problem.line}: ${problem.message}`);
    expect(problems).toEqual([]);
  });

  it('the two ALTS proxies each accept only the other side’s service account', () => {
    const client = parse(clientYaml);
    const server = parse(read('steps/alts-envoy/server.yaml'));
    const upstream = client.static_resources.clusters[0].transport_socket.typed_config;
    const downstream = server.static_resources.listeners[0].filter_chains[0].transport_socket.typed_config;
    expect(upstream.peer_service_accounts).toEqual(['alts-server@PROJECT_ID.iam.gserviceaccount.com']);
    expect(downstream.peer_service_accounts).toEqual(['alts-client@PROJECT_ID.iam.gserviceaccount.com']);
    expect([upstream.handshaker_service, downstream.handshaker_service]).toEqual(['169.254.169.254:8080', '169.254.169.254:8080']);
  });
});

describe('the Envoy checker refuses a broken config', () => {
  // `line`: the text of the line the problem must be reported at; `above`: that many lines above it.
  const cases: Array<{ what: string; text: string; line: string; above?: number; message: RegExp }> = [
    {
      what: 'a v2 `config:` instead of typed_config',
      text: mutate(
        '          - name: envoy.filters.http.router\n            typed_config:\n              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
        '          - name: envoy.filters.http.router\n            config: {}',
      ),
      line: 'config: {}',
      message: /v2 `config:`/,
    },
    {
      what: 'the v2 name envoy.router without a typed_config',
      text: mutate(
        '          - name: envoy.filters.http.router\n            typed_config:\n              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
        '          - name: envoy.router',
      ),
      line: 'name: envoy.router',
      message: /v2 extension name "envoy.router" without a typed_config/,
    },
    {
      what: 'a v2 cluster `hosts:` instead of load_assignment',
      text: mutate(
        '    load_assignment:\n      cluster_name: alts_server\n      endpoints:\n      - lb_endpoints:\n        - endpoint:\n            address:\n              socket_address: { address: alts-server, port_value: 18081 }',
        '    hosts: [{ socket_address: { address: alts-server, port_value: 18081 } }]',
      ),
      line: 'hosts: [',
      message: /v2 cluster `hosts:`/,
    },
    {
      what: 'a v2 @type URL',
      text: mutate(
        'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
        'envoy.config.filter.network.http_connection_manager.v2.HttpConnectionManager',
      ),
      line: '"@type": type.googleapis.com/envoy.config.filter.network',
      message: /not a network filter @type this checker knows/,
    },
    {
      what: 'ALTS without peer_service_accounts',
      text: mutate(
        '        peer_service_accounts:\n        - alts-server@PROJECT_ID.iam.gserviceaccount.com\n',
        '        peer_service_accounts: []\n',
      ),
      line: 'peer_service_accounts: []',
      message: /accepts any peer/,
    },
    {
      what: 'ALTS without handshaker_service',
      text: mutate('        handshaker_service: 169.254.169.254:8080\n', ''),
      // A missing field is reported at the key of the object that lacks it.
      line: '"@type": type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts',
      above: 1,
      message: /handshaker_service/,
    },
    {
      what: 'a route to a cluster that does not exist',
      text: mutate('route: { cluster: alts_server }', 'route: { cluster: alts_srever }'),
      line: 'route: { cluster: alts_srever }',
      message: /no cluster named "alts_srever"/,
    },
    {
      what: 'a misspelled field',
      text: mutate('stat_prefix: http_in', 'stat_prefx: http_in'),
      line: 'stat_prefx: http_in',
      message: /stat_prefx: not a field/,
    },
    {
      what: 'a listener filter by v2 name',
      text: mutate('    filter_chains:\n', '    listener_filters:\n    - name: envoy.listener.original_dst\n    filter_chains:\n'),
      line: 'name: envoy.listener.original_dst',
      message: /v2 extension name "envoy.listener.original_dst"/,
    },
    {
      what: 'an ORIGINAL_DST cluster with endpoints',
      text: mutate('    type: STRICT_DNS\n', '    type: ORIGINAL_DST\n    lb_policy: CLUSTER_PROVIDED\n'),
      line: '    load_assignment:',
      message: /ORIGINAL_DST cluster takes no load_assignment/,
    },
    {
      what: 'a STATIC cluster with a host name',
      text: mutate('    type: STRICT_DNS\n', '    type: STATIC\n'),
      line: '        - endpoint:',
      message: /STATIC cluster needs IP addresses/,
    },
    {
      what: 'invalid YAML',
      text: mutate('    connect_timeout: 5s\n', '    connect_timeout: 5s\n   type: [\n'),
      line: '   type: [',
      message: /^YAML: /,
    },
  ];

  it.each(cases)('$what', ({ text, line, above = 0, message }) => {
    const problems = checkEnvoyConfig(text);
    expect(
      problems.some((problem) => message.test(problem.message)),
      JSON.stringify(problems),
    ).toBe(true);
    expect(problems.find((problem) => message.test(problem.message))?.line).toBe(lineOf(text, line) - above);
  });
});

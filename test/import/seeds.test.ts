import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintTutorial } from '../../src/check/lint-tutorial.js';
import { parseTutorial } from '../../src/format/parse-tutorial.js';
import type { Tutorial } from '../../src/format/tutorial.js';
import { importDocument } from '../../src/import/import-document.js';
import { seed } from './helpers.js';

const project = mkdtempSync(join(tmpdir(), 'alts-import-seeds-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** Imports a seed into the temporary project as a real import would: tutorial and snapshots on disk. */
function importSeed(prefix: string): { tutorial: Tutorial; result: ReturnType<typeof importDocument> } {
  const id = `seed-${prefix}`;
  const result = importDocument(seed(prefix), { source: `${prefix}.txt`, id });
  const file = join(project, 'tutorials', `${id}.md`);
  mkdirSync(join(project, 'tutorials'), { recursive: true });
  writeFileSync(file, result.markdown);
  for (const snapshot of result.snapshots) {
    mkdirSync(join(project, 'snapshots', id), { recursive: true });
    writeFileSync(join(project, 'snapshots', id, `${snapshot.step}.txt`), snapshot.text);
  }
  return { tutorial: parseTutorial(result.markdown, file, id), result };
}

describe('importing the seed documents', () => {
  it.each(['000', '003', '004'])('%s (Markdown) gives a draft that parses and lints clean, snapshots included', (prefix) => {
    const { tutorial } = importSeed(prefix);
    expect(tutorial.steps.length).toBeGreaterThan(3);
    expect(lintTutorial(tutorial, project)).toEqual([]);
  });

  it.each(['001', '002'])('%s (scraped page) gives a draft that parses, and reports what it could not classify', (prefix) => {
    const { tutorial, result } = importSeed(prefix);
    expect(tutorial.steps.length).toBeGreaterThan(3);
    expect(result.report.unclassified.length).toBeGreaterThan(0);
    for (const entry of result.report.unclassified) expect(entry.line).toBeGreaterThan(0);
    // Glued commands were split where they could be.
    expect(result.report.guesses.some((guess) => guess.message.startsWith('split glued text'))).toBe(true);
    const script = tutorial.steps.find((step) => step.name === 'create-service-accounts-vm');
    expect(script?.command.split('\n').slice(0, 3)).toEqual([
      'gcloud iam service-accounts create alts-server --display-name "ALTS Server Service Account"',
      'gcloud iam service-accounts create alts-client --display-name "ALTS Client Service Account"',
      'export PROJECT_ID=`gcloud config get-value core/project`',
    ]);
  });

  it.each(['000', '001', '002', '003', '004'])('%s: every guess and every part not classified names its line', (prefix) => {
    const { report } = importSeed(prefix).result;
    const unplaced = [...report.guesses, ...report.unclassified].filter((entry) => !(entry.line !== undefined && entry.line > 0));
    expect(unplaced).toEqual([]);
  });

  it('000: the ALTS article becomes steps on the two VMs, with the service accounts as variables', () => {
    const { tutorial, result } = importSeed('000');
    const byName = new Map(tutorial.steps.map((step) => [step.name, step]));
    expect(byName.get('server')).toMatchObject({ host: 'alts-server', background: true });
    expect(byName.get('client')).toMatchObject({
      host: 'alts-client',
      expected: { lines: expect.arrayContaining(['UnaryEcho:  hello world']) },
    });
    expect(byName.get('envoy')).toMatchObject({ host: 'alts-server', background: true });
    expect(byName.get('envoy-2')).toMatchObject({ host: 'alts-client', background: true });
    expect(byName.get('curl')).toMatchObject({ host: 'alts-client' });
    expect(Object.keys(tutorial.variables)).toEqual(['PROJECT_ID', 'SERVER_SERVICE_ACCOUNT', 'CLIENT_SERVICE_ACCOUNT', 'ZONE']);
    expect(tutorial.targets.gcp?.hosts).toEqual({
      'alts-server': { kind: 'gce', instance: 'alts-server' },
      'alts-client': { kind: 'gce', instance: 'alts-client' },
    });
    expect(result.snapshots.find((snapshot) => snapshot.step === 'client')?.text).toBe(
      '[TIMESTAMP] AuthInfo PeerServiceAccount: ${SERVER_SERVICE_ACCOUNT}\n[TIMESTAMP] AuthInfo LocalServiceAccount: ${CLIENT_SERVICE_ACCOUNT}\nUnaryEcho: hello world\n',
    );
  });

  it('004: the clean-up section becomes teardown steps', () => {
    const { tutorial } = importSeed('004');
    expect(tutorial.steps.filter((step) => step.teardown).map((step) => step.command)).toEqual([
      './clean_envoy_docker.sh\n./clean_iptables.sh',
      './clean_web_docker.sh',
    ]);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingDependencyHint } from '../../src/needs/missing-dependency.js';
import { makeProject, removeProjects, runCli, startCli } from '../cli/helpers.js';
import { pathWithout } from '../support/machine-needs.js';

afterAll(removeProjects);

const NOBODY = 65534;

describe('a run on a machine that lacks a package', () => {
  it('as root, plans a first step that installs it, shown with the others', async () => {
    const { dir, home } = makeProject('needs');
    const result = await runCli(['run', 'needs-ip', '--dry-run'], {
      cwd: dir,
      env: { ALTS_TUTOR_HOME: home, PATH: pathWithout(dir, ['ip']) },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '1. prepare on local (confirm)  tutorials/needs-ip.md:1\n     apt-get update && env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iproute2\n2. addresses on local',
    );
  });

  it('without consent, a headless run of it runs nothing and says how to consent', async () => {
    const { dir, home } = makeProject('needs');
    const result = await runCli(['run', 'needs-ip'], { cwd: dir, env: { ALTS_TUTOR_HOME: home, PATH: pathWithout(dir, ['ip']) } });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('1. prepare on local');
    expect(result.stderr).toContain('add --yes');
  });

  it('test without --yes refuses to install, naming the packages and the command', async () => {
    const { dir, home } = makeProject('needs');
    const result = await runCli(['test', 'needs-ip'], { cwd: dir, env: { ALTS_TUTOR_HOME: home, PATH: pathWithout(dir, ['ip']) } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('needs-ip needs to install 1 Debian package (iproute2) first');
    expect(result.stdout).toContain('add --yes to run that as its first step: apt-get update && ');
  });

  it('as an ordinary user who cannot install, stops before the first step with exit 2 and the one command to run as root', async () => {
    const { dir, home } = makeProject('needs');
    spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, dir]);
    const env = { ALTS_TUTOR_HOME: home, HOME: dir, PATH: pathWithout(dir, ['ip', 'sudo']) };
    const { done } = startCli(['run', 'needs-ip', '--yes'], { cwd: dir, env, asUser: NOBODY });
    const result = await done;
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'alts-tutor: needs-ip on target local needs 1 Debian package that is not installed, and this user cannot install it (not root; sudo is not allowed without a password): iproute2 (ip: step addresses (tutorials/needs-ip.md:8))\n' +
        '  run this as root, then run again: apt-get update && apt-get install -y iproute2\n',
    );
  });

  it('names a program that no package provides, and where to get gcloud', async () => {
    const { dir, home } = makeProject('needs');
    writeFileSync(
      join(dir, 'tutorials', 'needs-gcloud.md'),
      '---\nrequires: [gcloud]\n---\n```sh { name=list }\ngcloud compute instances list\n```\n',
    );
    const result = await runCli(['run', 'needs-gcloud', '--yes'], {
      cwd: dir,
      env: { ALTS_TUTOR_HOME: home, PATH: pathWithout(dir, ['gcloud']) },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'gcloud is not installed (step list (tutorials/needs-gcloud.md:5)); get it from https://cloud.google.com/sdk/docs/install',
    );
    expect(result.stderr).not.toContain('gcloud auth login');
  });
});

describe('a step that fails for a missing dependency', () => {
  it('names the Debian package of a Go library that a real GOPATH build cannot find', () => {
    const { dir } = makeProject('needs');
    const gopath = join(dir, 'gopath');
    mkdirSync(join(gopath, 'src', 'example.com', 'hello'), { recursive: true });
    writeFileSync(
      join(gopath, 'src', 'example.com', 'hello', 'main.go'),
      'package main\n\nimport "google.golang.org/grpc/credentials/alts"\n\nfunc main() { _ = alts.NewClientCreds }\n',
    );
    const build = spawnSync('go', ['build', './...'], {
      cwd: join(gopath, 'src', 'example.com', 'hello'),
      env: { ...process.env, GO111MODULE: 'off', GOPATH: gopath, GOPROXY: 'off', GOCACHE: join(dir, 'gocache'), GOFLAGS: '' },
      encoding: 'utf8',
    });
    expect(build.status).not.toBe(0);
    expect(missingDependencyHint(build.stderr)).toBe(
      'the Go library google.golang.org/grpc is missing (apt-get install golang-google-grpc-dev)',
    );
    rmSync(gopath, { recursive: true, force: true });
  });

  it('names the package of a program bash cannot find, and nothing for other errors', () => {
    const ran = spawnSync('/bin/bash', ['-c', 'tmux -V'], { env: { PATH: '/nonexistent' }, encoding: 'utf8' });
    expect(ran.stderr).toContain('tmux: command not found');
    expect(missingDependencyHint(ran.stderr)).toBe('tmux is not installed (apt-get install tmux)');
    expect(missingDependencyHint('main.go:3: undefined: foo\nexit status 2\n')).toBeUndefined();
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects, runCli } from './helpers.js';

afterAll(removeProjects);

/** Names the host's shell or the runner give a meaning are refused before anything runs. */
describe('reserved variable names', () => {
  it.each(['IFS', '__alts_nonce', 'ALTS_TUTOR_SHELL', 'BASH_ENV'])('refuses --var %s=x with exit 2, without hanging', async (name) => {
    const { dir, home } = makeProject();
    const result = await runCli(['run', 'carry', '--yes', '--var', `${name}=x`], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--var ${name}: ${name} is reserved`);
  });

  it('refuses a front matter variable named IFS with file:line', async () => {
    const { dir, home } = makeProject();
    const file = join(dir, 'tutorials', 'ifs.md');
    writeFileSync(file, '---\ntitle: IFS\nvariables:\n  IFS: { default: x }\n---\n\n```sh\necho hi\n```\n');
    const result = await runCli(['run', 'ifs', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ifs\.md:4: .*IFS is reserved/);
  });

  it('still takes an ordinary name', async () => {
    const { dir, home } = makeProject();
    const result = await runCli(['run', 'carry', '--yes', '--var', 'MY_IFS=x'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(result.code).toBe(0);
  });
});

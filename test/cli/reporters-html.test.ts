import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { reportProject } from '../report/report-project.js';
import { lacks } from '../support/machine-needs.js';
import { runCli } from './helpers.js';

const projects: Array<{ remove(): void }> = [];
afterAll(() => {
  for (const project of projects.splice(0)) project.remove();
});

/** Debian's chromium, headless, on a profile of its own; resolves with what it printed. */
function chromium(dir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'chromium',
      ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${join(dir, 'chromium-profile')}`, ...args],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

describe.skipIf(lacks('chromium', import.meta.url))('the HTML report in a browser', () => {
  it('opens from its file alone, runs nothing a document put in it, and shows the failed step diff (screenshot)', async () => {
    const project = await reportProject();
    projects.push(project);
    // A title that would run script and fetch an image if it reached the page as markup.
    writeFileSync(
      join(project.dir, 'tutorials', 'aaa-hostile.md'),
      '---\ntitle: "<script>document.title=\'pwned\'</script><img src=http://127.0.0.1:9/x onerror=document.body.remove()>"\n---\n# H\n\n```console\n$ echo "</pre><script>document.title=1</script>"\nnothing like it\n```\n',
    );
    const result = await runCli(['test', 'aaa-hostile', 'alpha', 'bravo', '--ci', '--reporter', 'html:report.html'], {
      cwd: project.dir,
      env: project.env,
    });
    expect(result.code).toBe(1);
    const url = pathToFileURL(join(project.dir, 'report.html')).href;
    const dom = await chromium(project.dir, ['--virtual-time-budget=2000', '--dump-dom', url]);
    expect(dom).toContain('<title>alts-tutor report: failed</title>');
    expect(dom).not.toMatch(/<script|<img/);
    expect(dom).toContain("&lt;script&gt;document.title='pwned'&lt;/script&gt;");
    // The failed steps are open, their diffs in the page as the browser parsed it.
    expect(dom).toMatch(/<details class="tutorial failure" open="">[\s\S]*<b>Alpha<\/b>/);
    expect(dom).toContain('<span class="add">+red alert &lt;b&gt;bold?&lt;/b&gt;</span>');
    expect(dom).toContain('<span style="color:rgb(187, 0, 0)">red</span>');

    const shot = join(project.dir, 'report.png');
    await chromium(project.dir, ['--window-size=1100,900', `--screenshot=${shot}`, url]);
    const png = readFileSync(shot);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // 1100x900 (IHDR): the page as laid out, not an error page of another size.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1100, 900]);
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });
});

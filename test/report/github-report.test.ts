import { describe, expect, it } from 'vitest';
import { command, escapeData, escapeProperty, githubAnnotations, githubSummary } from '../../src/report/github-report.js';
import type { ReportEvent } from '../../src/report/report-events.js';
import { ReportBuilder } from '../../src/report/report-model.js';
import { sampleEvents } from './report-fixtures.js';

function reportOf(events: ReportEvent[]) {
  const builder = new ReportBuilder();
  for (const event of events) builder.add(event);
  return builder.report();
}

describe('the github reporter', () => {
  it('escapes data and properties as the runner unescapes them', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    expect(command('error', { file: 'tutorials/x,y.md', line: '3', title: 'x: y' }, 'a\nb')).toBe(
      '::error file=tutorials/x%2Cy.md,line=3,title=x%3A y::a%0Ab',
    );
  });

  it('annotates each failed step at its line (a script at its failing command) and each tutorial problem', () => {
    const events = sampleEvents();
    const end = events.find((event) => event.type === 'step-end' && event.step === 'two');
    if (end?.type === 'step-end') end.result.errorLine = 3;
    const lines = githubAnnotations(reportOf(events)).trimEnd().split('\n');
    expect(lines).toEqual([
      '::error file=tutorials/broken.md,title=broken%3A cannot be tested::tutorials/broken.md:3: unknown attribute "colour"',
      '::error file=tutorials/greet.md,line=11,title=greet%3A step two failed::output differs from tutorials/greet.md:10%0A--- expected%0A+++ actual%0A@@ -1,1 +1,1 @@%0A-hello%0A+goodbye',
    ]);
  });

  it('a step name or output cannot start a workflow command of its own', () => {
    const text = githubAnnotations(reportOf(sampleEvents({ stepName: 'x\n::set-output name=a::b', diff: '-a\n::add-mask::x\r\n' })));
    expect(text.trimEnd().split('\n')).toHaveLength(2);
    expect(text).not.toMatch(/^::(?!error )/m);
  });

  it('writes a Markdown summary: a table of tutorials and each failure in a fence its text cannot close', () => {
    const summary = githubSummary(reportOf(sampleEvents({ title: 'T', diff: '-a | b\n+```\n+<script>x</script>\n' })));
    expect(summary).toContain('## alts-tutor: ❌ failed');
    expect(summary).toContain('| ❌ | greet | local | 2 passed, 1 failed, 1 not run |');
    expect(summary).toContain('| ⏭️ | cloudy |  | skipped: no target lab |');
    expect(summary).toContain('<summary>❌ <b>greet</b> step <b>two</b> at <code>tutorials/greet.md:9</code>');
    expect(summary).toContain('````diff\n-a | b\n+```\n+<script>x</script>\n````');
  });
});

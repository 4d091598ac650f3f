import { describe, expect, it } from 'vitest';
import { ansiToHtml } from '../../src/report/ansi-html.js';
import { renderHtml } from '../../src/report/html-report.js';
import type { ReportEvent } from '../../src/report/report-events.js';
import { ReportBuilder } from '../../src/report/report-model.js';
import { sampleEvents } from './report-fixtures.js';

function htmlOf(events: ReportEvent[]): string {
  const builder = new ReportBuilder();
  for (const event of events) builder.add(event);
  return renderHtml(builder.report());
}

describe('the HTML report', () => {
  it('keeps colours as spans with computed colours only', () => {
    expect(ansiToHtml('ok \u001b[31mred\u001b[0m \u001b[1;32mgo\u001b[0m')).toBe(
      'ok <span style="color:rgb(187, 0, 0)">red</span> <span style="color:rgb(0, 187, 0);font-weight:bold">go</span>',
    );
    expect(ansiToHtml('\u001b[2J\u001b]0;title\u0007<b>x</b>\r')).toBe('&lt;b&gt;x&lt;/b&gt;^M');
  });

  it('is one file that loads nothing: no script, no external URL, a policy that forbids both', () => {
    const html = htmlOf(sampleEvents());
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
    expect(html).not.toMatch(/<script|<link|<img|<iframe|https?:\/\/|src=|href=|url\(/i);
    expect(html).toContain('<pre class="diff">');
    expect(html).toContain('<span class="add">+goodbye</span>');
    expect(html).toContain('<details class="tutorial failure" open>');
  });

  it('escapes names, outputs and diffs: a document cannot inject markup', () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const html = htmlOf(
      sampleEvents({ title: evil, stepName: evil, output: `${evil}\n\u001b[31m${evil}\u001b[0m\n`, diff: `-${evil}\n+${evil}\n` }),
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;');
  });
});

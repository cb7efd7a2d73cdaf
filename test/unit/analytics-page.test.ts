import { createHash } from 'node:crypto';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CHART_FUNCTIONS, CHARTS_JS } from '../../lambdas/app/analytics/page/charts.js';
import {
  type AnalyticsPageConfig,
  analyticsPageSecurityPolicy,
  CONFIG_ELEMENT_ID,
  renderAnalyticsPage,
} from '../../lambdas/app/analytics/page/render.js';

/*
 * The KPI page as a document (self-contained, its policy, no data, its configuration) and its
 * drawing functions, run here from the very string the page inlines. The figures below are inputs
 * drawn and compared with themselves, not priced amounts.
 */

const CONFIG: AnalyticsPageConfig = {
  cognitoEndpoint: 'https://cognito-idp.us-east-1.amazonaws.com/',
  clientId: '4abcdefghijklmnopqrstuvw12',
  askApiKey: true,
};
const html = renderAnalyticsPage(CONFIG);

function inlineScripts(page: string): string[] {
  return [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

interface Charts {
  esc(value: unknown): string;
  money(amount: string | null): string;
  moneyData(amount: string | null): string;
  count(n: number): string;
  rate(r: string | null): string;
  monthLabel(key: string): string;
  barChart(
    id: string,
    title: string,
    rows: { label: string; value: string | number; text: string }[],
    colour: string,
  ): string;
  monthChart(id: string, title: string, groups: { key: string; billed: string; allowed: string }[]): string;
  rateChart(id: string, title: string, groups: { key: string; savingsRate: string | null }[]): string;
  kpiTable(
    name: string,
    caption: string,
    columns: { field: string; label: string; kind: string }[],
    rows: Record<string, unknown>[],
  ): string;
}

/** The drawing functions, evaluated from the string the page ships, in a context with no DOM. */
function charts(): Charts {
  const context = vm.createContext({});
  vm.runInContext(`${CHARTS_JS}\nthis.exported = { ${CHART_FUNCTIONS.join(', ')} };`, context);
  return (context as { exported: Charts }).exported;
}

describe('the KPI page document', () => {
  it('is self-contained: no external script, style, image, frame or link', () => {
    expect(html).not.toMatch(/\s(src|href|action|srcset|poster|data)\s*=/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base)\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    // The only addresses in the page are the configured Cognito endpoint (in the configuration
    // block) and its origin (in the policy).
    const addresses = [...html.matchAll(/https?:\/\/[^\s"'<>;]+/g)].map((m) => m[0]);
    expect(new Set(addresses)).toEqual(
      new Set([CONFIG.cognitoEndpoint, 'https://cognito-idp.us-east-1.amazonaws.com']),
    );
    expect(inlineScripts(html)).toHaveLength(1);
  });

  it('allows exactly its one script and one style by hash, and connects only to itself and Cognito', () => {
    const policy = analyticsPageSecurityPolicy(CONFIG);
    const [script] = inlineScripts(html);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(policy).toContain(`script-src ${sha256(script ?? '')}`);
    expect(policy).toContain(`style-src ${sha256(style)}`);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'self' https://cognito-idp.us-east-1.amazonaws.com;");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    // The meta copy is the header's without frame-ancestors (ignored in a meta tag).
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${policy.replace("; frame-ancestors 'none'", '')}">`,
    );
  });

  it('has no inline event handler, no style attribute and keeps no token in storage or cookies', () => {
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    const [script] = inlineScripts(html);
    expect(script).not.toMatch(/localStorage|sessionStorage|indexedDB|document\.cookie/);
    expect(script).not.toMatch(/\beval\(|new Function/);
    // Nor does anything the drawing functions write: they use presentation attributes.
    expect(CHARTS_JS).not.toMatch(/ style=|\son[a-z]+=/);
  });

  it('holds no data: pages of two configurations differ only in the configuration block', () => {
    const other = renderAnalyticsPage({
      cognitoEndpoint: 'http://127.0.0.1:41234',
      clientId: 'local1',
      askApiKey: false,
    });
    const strip = (page: string) =>
      page
        .replace(/<script type="application\/json"[^>]*>[^<]*<\/script>/, '')
        .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    expect(strip(other)).toBe(strip(html));
    expect(html).not.toMatch(/\d+\.\d{2}\b/); // no amount of money anywhere
  });

  it('renders with the given configuration, escaped so it cannot end its element', () => {
    const config = /<script type="application\/json" id="([^"]+)">([^<]*)<\/script>/.exec(html);
    expect(config?.[1]).toBe(CONFIG_ELEMENT_ID);
    expect(JSON.parse(config?.[2] ?? '')).toEqual(CONFIG);
    const sneaky = renderAnalyticsPage({
      ...CONFIG,
      cognitoEndpoint: 'https://cognito.example/</script><script>x',
    });
    expect(sneaky.match(/<\/script>/g)).toHaveLength(2);
    expect(sneaky).toContain('\\u003c/script>');
  });

  it('refuses a configuration it cannot use', () => {
    expect(() => renderAnalyticsPage({ ...CONFIG, cognitoEndpoint: 'not a url' })).toThrow(/not a URL/);
    expect(() => renderAnalyticsPage({ ...CONFIG, cognitoEndpoint: 'javascript:alert(1)' })).toThrow(/http/);
    expect(() => renderAnalyticsPage({ ...CONFIG, clientId: 'a"b' })).toThrow(/client id/);
  });

  it('is valid script, and the policy hash changes when the script does (the check can fail)', () => {
    const [script] = inlineScripts(html);
    expect(() => new vm.Script(script ?? '')).not.toThrow();
    expect(sha256(`${script} `)).not.toBe(sha256(script ?? ''));
  });
});

describe('the drawing functions the page inlines', () => {
  const c = charts();

  it('formats money from the string, with separators and sign, never through a float', () => {
    expect(c.money('1234567.50')).toBe('$1,234,567.50');
    expect(c.money('-12.00')).toBe('-$12.00');
    expect(c.money('0.10')).toBe('$0.10');
    expect(c.money('90071992547409.93')).toBe('$90,071,992,547,409.93'); // beyond a double's cents
    expect(c.money(null)).toBe('—');
    expect(c.moneyData('1000.00')).toBe('<data value="1000.00">$1,000.00</data>');
    expect(c.count(1234567)).toBe('1,234,567');
    expect(c.rate('41.27')).toBe('41.27%');
    expect(c.rate(null)).toBe('—');
    expect(c.monthLabel('2026-03')).toBe('Mar 2026');
  });

  it('escapes every text from the API', () => {
    const svg = c.barChart('x', 'T', [{ label: '<script>"&', value: 1, text: "'" }], '#000');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;&quot;&amp;');
    const table = c.kpiTable('t', 'Cap<', [{ field: 'key', label: 'K', kind: 'text' }], [{ key: '<b>' }]);
    expect(table).not.toMatch(/<b>|Cap</);
  });

  it('draws one bar a row, the longest for the largest value, with a title and a description', () => {
    const rows = [
      { label: 'CO-45', value: '300.00', text: '$300.00' },
      { label: 'CO-97', value: '150.00', text: '$150.00' },
      { label: 'CO-59', value: '-30.00', text: '-$30.00' },
    ];
    const svg = c.barChart('chart-reason', 'Withheld by reason code', rows, '#8a4b08');
    const widths = [...svg.matchAll(/<rect x="0" y="\d+" width="(\d+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([360, 180, 36]);
    expect(svg).toMatch(/^<svg id="chart-reason" role="img" viewBox="0 0 360 98"/);
    expect(svg).toContain('<title id="chart-reason-title">Withheld by reason code</title>');
    expect(svg).toContain('CO-97: $150.00');
    expect(c.barChart('e', 'Empty', [], '#000')).toContain('No data in this range.');
  });

  it('draws billed and allowed side by side for every month, allowed never taller than billed here', () => {
    const months = [
      { key: '2026-01', billed: '1000.00', allowed: '600.00' },
      { key: '2026-02', billed: '500.00', allowed: '500.00' },
      { key: '2026-03', billed: '0.00', allowed: '0.00' },
    ];
    const svg = c.monthChart('chart-month', 'Billed and allowed by month', months);
    const groups = [...svg.matchAll(/<g class="month" data-key="([^"]+)">(.*?)<\/g>/g)];
    expect(groups.map((g) => g[1])).toEqual(['2026-01', '2026-02', '2026-03']);
    const heights = groups.map((g) =>
      [...(g[2] ?? '').matchAll(/height="([\d.]+)"/g)].map((h) => Number(h[1])),
    );
    expect(heights[0]?.[0]).toBeCloseTo(158); // the largest value spans the plot (170 - 12)
    expect(heights[0]?.[1]).toBeCloseTo(158 * 0.6);
    expect(heights[1]?.[0]).toBe(heights[1]?.[1]);
    expect(heights[2]).toEqual([0, 0]);
  });

  it('labels at most six months, and the year under the first month and each January', () => {
    const months = Array.from({ length: 14 }, (_, i) => {
      const month = ((10 + i) % 12) + 1;
      return {
        key: `${month >= 11 && i < 2 ? 2025 : 2026}-${String(month).padStart(2, '0')}`,
        billed: '1.00',
        allowed: '1.00',
      };
    });
    expect(months[0]?.key).toBe('2025-11');
    expect(months[13]?.key).toBe('2026-12');
    const svg = c.monthChart('m', 'M', months);
    const labels = [...svg.matchAll(/<text [^>]*fill="#1b1b1b">([A-Z][a-z]{2})<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['Nov', 'Feb', 'May', 'Aug', 'Nov']); // every third of 14
    const years = [...svg.matchAll(/<text [^>]*fill="#4a4a4a">(\d{4})<\/text>/g)].map((m) => m[1]);
    expect(years).toEqual(['2025', '2026']);
  });

  it('plots the savings rate of the months that have one', () => {
    const svg = c.rateChart('chart-rate', 'Savings rate by month', [
      { key: '2026-01', savingsRate: '40.00' },
      { key: '2026-02', savingsRate: null },
      { key: '2026-03', savingsRate: '20.00' },
    ]);
    expect([...svg.matchAll(/<circle class="point" data-key="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '2026-01',
      '2026-03',
    ]);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('Feb 2026: —');
  });

  it('writes tables with a caption, scoped headers and machine-readable values', () => {
    const table = c.kpiTable(
      'month',
      'By month',
      [
        { field: 'key', label: 'Month', kind: 'month' },
        { field: 'billed', label: 'Billed', kind: 'money' },
        { field: 'lines', label: 'Lines', kind: 'count' },
        { field: 'savingsRate', label: 'Savings rate', kind: 'rate' },
      ],
      [{ key: '2026-01', billed: '1234.50', lines: 1200, savingsRate: null }],
    );
    expect(table).toContain('<caption>By month</caption>');
    expect(table.match(/<th scope="col">/g)).toHaveLength(4);
    expect(table).toContain('<th scope="row" data-field="key" data-value="2026-01">Jan 2026</th>');
    expect(table).toContain('<td data-field="billed"><data value="1234.50">$1,234.50</data></td>');
    expect(table).toContain('<td data-field="lines"><data value="1200">1,200</data></td>');
    expect(table).toContain('<td data-field="savingsRate"><data value="">—</data></td>');
    expect(c.kpiTable('n', 'None', [{ field: 'key', label: 'K', kind: 'text' }], [])).toContain(
      'None in this range.',
    );
  });
});

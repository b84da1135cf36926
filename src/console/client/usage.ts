import type { UsageTotals } from '../../usage/usage-repo.js';
import { api, loadFailureText } from './api.js';
import { type Bar, columnChart, rowChart } from './chart.js';
import { byId, fill, h, type Section } from './dom.js';
import { plural, shortDay, usd } from './format.js';
import { field } from './forms.js';
import { type KeyView, keyLabel } from './keys-list.js';
import { providerLabel } from './page-config.js';

type Group = UsageTotals & { group: string };
interface Report {
  from: string;
  to: string;
  data: Group[];
  total: UsageTotals;
}

const PERIODS: [string, string][] = [
  ['month', 'This month'],
  ['7', 'Last 7 days'],
  ['30', 'Last 30 days'],
];

/** Every UTC day from `from` to `to`, so days without calls show as empty bars rather than vanish. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = to.slice(0, 10);
  for (
    let d = new Date(`${from.slice(0, 10)}T00:00:00Z`);
    days.length < 400;
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    const day = d.toISOString().slice(0, 10);
    days.push(day);
    if (day >= end) break;
  }
  return days;
}

function fromFor(period: string): string | undefined {
  if (period === 'month') return undefined;
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() - Number(period) + 1);
  return d.toISOString();
}

/** The usage section: per-day requests and cost (all keys or one), and per-key totals, as SVG charts and a table. */
export function usageSection(): Section & { setKeys: (keys: KeyView[]) => void } {
  const area = byId('usage-area');
  const period = h('select', { name: 'period' }, ...PERIODS.map(([v, t]) => h('option', { value: v }, t)));
  const keySelect = h('select', { name: 'key' }, h('option', { value: '' }, 'All keys'));
  const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  const controls = h('div', { class: 'controls' }, field('Period', period), field('Key', keySelect), refresh);
  const out = h('div', { class: 'usage-out', 'aria-busy': 'false' });
  let keys: KeyView[] = [];
  let last: { days: Report; byKey: Report | null } | null = null;

  const nameOf = (group: string) =>
    group === 'system'
      ? 'Gateway key (system)'
      : ((k) => (k ? `${keyLabel(k)} (${providerLabel(k.provider)})` : 'Deleted key'))(
          keys.find((k) => k.id === group),
        );

  function render(): void {
    if (!last) return;
    const { days, byKey } = last;
    const width = Math.max(280, Math.min(out.clientWidth || 640, 900));
    const totals = days.total;
    const keyText = keySelect.value ? ` on ${keySelect.selectedOptions[0]?.textContent ?? 'this key'}` : '';
    const summary = `${plural(totals.requests, 'request')} costing ${usd(totals.costUsd)}${keyText}, ${period.selectedOptions[0]?.textContent?.toLowerCase() ?? ''}.`;
    const notes = [
      totals.unpricedRequests > 0
        ? `${plural(totals.unpricedRequests, 'request')} had no known price and count as unknown cost.`
        : '',
      totals.estimatedRequests > 0
        ? `${plural(totals.estimatedRequests, 'request')} had estimated token counts (streams that did not finish).`
        : '',
    ].filter(Boolean);
    if (totals.requests === 0) {
      fill(
        out,
        h('p', { class: 'summary' }, summary),
        h(
          'p',
          { class: 'empty' },
          'No usage in this period yet: calls through the gateway show up here a second or two after they finish.',
        ),
      );
      return;
    }
    const byDay = new Map(days.data.map((g) => [g.group, g]));
    const dayList = daysBetween(days.from, days.to);
    const requests: Bar[] = dayList.map((d) => {
      const n = byDay.get(d)?.requests ?? 0;
      return { label: shortDay(d), value: n, text: `${shortDay(d)}: ${plural(n, 'request')}` };
    });
    const cost: Bar[] = dayList.map((d) => {
      const c = byDay.get(d)?.costUsd ?? 0;
      return { label: shortDay(d), value: c, text: `${shortDay(d)}: ${usd(c)}` };
    });
    const parts: (Node | string)[] = [
      h('p', { class: 'summary' }, summary),
      ...notes.map((n) => h('p', { class: 'hint' }, n)),
      h('h3', {}, 'Requests per day'),
      columnChart({
        title: 'Requests per day',
        summary,
        bars: requests,
        width,
        format: (n) => String(Math.round(n)),
        integer: true,
        cls: 'requests',
      }),
      h('h3', {}, 'Cost per day (USD)'),
      columnChart({
        title: 'Cost per day in US dollars',
        summary,
        bars: cost,
        width,
        format: usd,
        integer: false,
        cls: 'cost',
      }),
    ];
    if (byKey && byKey.data.length > 0) {
      const rows = [...byKey.data].sort(
        (a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0) || b.requests - a.requests,
      );
      const costBars = rows.map((g) => ({
        label: nameOf(g.group),
        value: g.costUsd ?? 0,
        text: `${nameOf(g.group)}: ${usd(g.costUsd)}, ${plural(g.requests, 'request')}`,
        valueLabel: `${usd(g.costUsd)} · ${plural(g.requests, 'request')}`,
      }));
      parts.push(
        h('h3', {}, 'Cost and requests per key'),
        rowChart({
          title: 'Cost and requests per key',
          summary: costBars.map((b) => b.text).join('; '),
          bars: costBars,
          width,
          format: usd,
          cls: 'cost',
        }),
      );
    }
    parts.push(dayTable(dayList, byDay));
    fill(out, ...parts);
  }

  function dayTable(dayList: string[], byDay: Map<string, Group>): HTMLElement {
    const rows = dayList
      .filter((d) => byDay.has(d))
      .map((d) => {
        const g = byDay.get(d) as Group;
        return h(
          'tr',
          {},
          h('th', { scope: 'row' }, shortDay(d)),
          h('td', {}, g.requests),
          h('td', {}, g.promptTokens + g.completionTokens),
          h('td', {}, usd(g.costUsd)),
        );
      });
    return h(
      'details',
      { class: 'table-wrap' },
      h('summary', { class: 'table-toggle' }, 'Show as a table'),
      h(
        'table',
        {},
        h('caption', {}, 'Usage per day (UTC)'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Day'),
            h('th', { scope: 'col' }, 'Requests'),
            h('th', { scope: 'col' }, 'Tokens'),
            h('th', { scope: 'col' }, 'Cost'),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    );
  }

  async function load(): Promise<void> {
    if (!area.contains(controls)) fill(area, controls, out);
    const query = new URLSearchParams({ groupBy: 'day' });
    const from = fromFor(period.value);
    if (from) query.set('from', from);
    const keyId = keySelect.value;
    const base = keyId ? `/api/user/api-keys/${encodeURIComponent(keyId)}/usage` : '/api/user/usage';
    out.setAttribute('aria-busy', 'true');
    try {
      const days = await api<Report>('GET', `${base}?${query}`);
      query.set('groupBy', 'key');
      const byKey = keyId ? null : await api<Report>('GET', `/api/user/usage?${query}`);
      last = { days, byKey };
      render();
    } catch (err) {
      last = null;
      fill(out, h('p', { class: 'notice' }, loadFailureText(err, 'usage:read', 'read usage')));
    } finally {
      out.setAttribute('aria-busy', 'false');
    }
  }

  period.addEventListener('change', () => void load());
  keySelect.addEventListener('change', () => void load());
  refresh.addEventListener('click', () => void load());
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(render, 150);
  });

  function setKeys(next: KeyView[]): void {
    keys = next;
    const chosen = keySelect.value;
    fill(
      keySelect,
      h('option', { value: '' }, 'All keys'),
      ...keys.map((k) => h('option', { value: k.id }, `${keyLabel(k)} (${providerLabel(k.provider)})`)),
    );
    keySelect.value = keys.some((k) => k.id === chosen) ? chosen : '';
    render();
  }
  const clear = () => {
    last = null;
    setKeys([]);
    fill(out);
  };
  return { load, setKeys, clear };
}

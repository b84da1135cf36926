/**
 * A hand-written SVG of latency percentiles, gateway vs baselines: one panel per scenario, one
 * line per target, percentiles on the x axis. No dependency.
 */
import { PERCENTILES } from './load.js';
import { type ScenarioResult, TARGETS, type TargetId } from './scenarios.js';

const PANEL_W = 320;
const PANEL_H = 260;
const M = { top: 46, right: 16, bottom: 40, left: 52 };
const COLORS: Record<TargetId, string> = {
  raw: '#7a7a7a',
  honoMin: '#33a02c',
  hono: '#2f6fdf',
  gateway: '#e4572e',
};
const LABELS: Record<TargetId, string> = {
  raw: 'raw node:http proxy',
  honoMin: 'minimum hono floor',
  hono: 'hono + client floor',
  gateway: 'gateway',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panel(s: ScenarioResult, x0: number, subtitle: string): string {
  const w = PANEL_W - M.left - M.right;
  const h = PANEL_H - M.top - M.bottom;
  const targets = TARGETS.filter((t) => s.runs[t]);
  const values = targets
    .flatMap((t) => PERCENTILES.map((p) => s.runs[t]!.latencyMs[`p${p}`] ?? Number.NaN))
    .filter((v) => Number.isFinite(v) && v > 0);
  // Log scale: a p99.9 outlier must not flatten the percentiles below it.
  const lo = Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values, 1))));
  const x = (i: number) => x0 + M.left + (i * w) / (PERCENTILES.length - 1);
  const y = (v: number) => {
    const l = Math.min(hi, Math.max(lo, Math.log10(Math.max(v, 10 ** lo))));
    return M.top + h - ((l - lo) / (hi - lo)) * h;
  };
  const out: string[] = [
    `<text x="${x0 + M.left}" y="20" class="title">${esc(s.title)}</text>`,
    `<text x="${x0 + M.left}" y="36" class="sub">${esc(subtitle)}</text>`,
  ];
  for (let k = lo; k <= hi; k++) {
    const v = 10 ** k;
    out.push(
      `<line x1="${x0 + M.left}" x2="${x0 + M.left + w}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`,
      `<text x="${x0 + M.left - 6}" y="${y(v) + 4}" class="tick" text-anchor="end">${k < 0 ? v.toFixed(-k) : v}</text>`,
    );
  }
  PERCENTILES.forEach((p, i) => {
    out.push(`<text x="${x(i)}" y="${M.top + h + 16}" class="tick" text-anchor="middle">p${p}</text>`);
  });
  out.push(
    `<text x="${x0 + 14}" y="${M.top + h / 2}" class="tick" transform="rotate(-90 ${x0 + 14} ${M.top + h / 2})" text-anchor="middle">ms (log)</text>`,
  );
  for (const t of targets) {
    const pts = PERCENTILES.map(
      (p, i) => `${x(i).toFixed(1)},${y(s.runs[t]!.latencyMs[`p${p}`] ?? 0).toFixed(1)}`,
    );
    out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${COLORS[t]}" stroke-width="2"/>`);
    for (const pt of pts) {
      const [cx, cy] = pt.split(',');
      out.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${COLORS[t]}"/>`);
    }
  }
  return out.join('\n');
}

export function latencySvg(scenarios: ScenarioResult[], caption: string): string {
  const shown = scenarios.filter((s) => !s.skipped && (s.runs.gateway || s.runs.raw));
  const width = Math.max(1, shown.length) * PANEL_W;
  const height = PANEL_H + 44;
  const panels = shown.map((s, i) => {
    const rps = s.runs.gateway?.rps;
    const sub = s.id === 'halfLoadLatency' ? 'same offered load for both' : `max load; gateway ${rps} req/s`;
    return panel(s, i * PANEL_W, sub);
  });
  const legend = TARGETS.map(
    (t, i) =>
      `<rect x="${16 + i * 170}" y="${PANEL_H + 8}" width="14" height="4" fill="${COLORS[t]}"/>` +
      `<text x="${36 + i * 170}" y="${PANEL_H + 14}" class="tick">${LABELS[t]}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    '<style>.title{font-size:13px;font-weight:600;fill:#222}.sub{font-size:11px;fill:#666}.tick{font-size:10px;fill:#555}.grid{stroke:#e4e4e4;stroke-width:1}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...panels,
    ...legend,
    `<text x="16" y="${PANEL_H + 34}" class="sub">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

import { svg, uid } from './dom.js';

/**
 * Bar charts drawn as inline SVG from data (no library, nothing fetched). Colours come from the
 * stylesheet through classes, so they follow light and dark mode; each bar has a <title> (the
 * browser's tooltip) and the chart a summary for screen readers, who also get the table beside it.
 */
export interface Bar {
  label: string;
  value: number;
  /** Read on hover and by screen readers: `Dec 4: 3 requests`. */
  text: string;
  /** Written after a row's bar (default: the value formatted). */
  valueLabel?: string;
}

/** The axis top: 1, 2 or 5 times a power of ten, at least the largest value (integers for counts). */
function niceMax(max: number, integer: boolean): number {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((v) => v >= max) ?? max;
  return integer ? Math.max(1, Math.ceil(nice)) : nice;
}

function frame(title: string, summary: string, width: number, height: number, cls: string): SVGSVGElement {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  return svg(
    'svg',
    {
      class: `chart ${cls}`,
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
    },
    svg('title', { id: titleId }, title),
    svg('desc', { id: descId }, summary),
  );
}

/** Vertical bars over days, a y axis with three gridlines and a few x labels that never overlap. */
export function columnChart(opts: {
  title: string;
  summary: string;
  bars: Bar[];
  width: number;
  format: (n: number) => string;
  integer: boolean;
  cls: string;
}): SVGSVGElement {
  const height = 170;
  const left = 56;
  const bottom = 22;
  const top = 10;
  const plotW = Math.max(40, opts.width - left - 6);
  const plotH = height - top - bottom;
  const top$ = niceMax(Math.max(0, ...opts.bars.map((b) => b.value)), opts.integer);
  const chart = frame(opts.title, opts.summary, opts.width, height, opts.cls);
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH - f * plotH;
    chart.append(
      svg('line', { class: 'grid', x1: left, x2: left + plotW, y1: y, y2: y }),
      svg('text', { class: 'axis', x: left - 6, y: y + 4, 'text-anchor': 'end' }, opts.format(top$ * f)),
    );
  }
  const n = Math.max(1, opts.bars.length);
  const slot = plotW / n;
  const barW = Math.max(1, Math.min(28, slot * 0.7));
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 56))));
  opts.bars.forEach((bar, i) => {
    const h = (bar.value / top$) * plotH;
    const x = left + i * slot + (slot - barW) / 2;
    chart.append(
      svg(
        'rect',
        { class: 'bar', x, y: top + plotH - h, width: barW, height: Math.max(h, bar.value > 0 ? 1 : 0) },
        svg('title', {}, bar.text),
      ),
    );
    // Every `every`-th day and the last one, skipping a label that would crowd the last.
    if (i === n - 1 || (i % every === 0 && n - 1 - i >= every))
      chart.append(
        svg(
          'text',
          { class: 'axis', x: left + i * slot + slot / 2, y: height - 6, 'text-anchor': 'middle' },
          bar.label,
        ),
      );
  });
  return chart;
}

/** Horizontal bars, one row per key: its name above the bar, the value after it. */
export function rowChart(opts: {
  title: string;
  summary: string;
  bars: Bar[];
  width: number;
  format: (n: number) => string;
  cls: string;
}): SVGSVGElement {
  const row = 40;
  const pad = 10;
  const height = Math.max(1, opts.bars.length) * row + pad;
  const valueW = 150;
  const plotW = Math.max(40, opts.width - valueW - 2 * pad);
  const max = Math.max(0, ...opts.bars.map((b) => b.value)) || 1;
  const chart = frame(opts.title, opts.summary, opts.width, height, opts.cls);
  opts.bars.forEach((bar, i) => {
    const y = pad / 2 + i * row;
    const w = (bar.value / max) * plotW;
    chart.append(
      svg('text', { class: 'label', x: pad, y: y + 14 }, bar.label),
      svg(
        'rect',
        { class: 'bar', x: pad, y: y + 19, width: Math.max(w, bar.value > 0 ? 2 : 0), height: 14 },
        svg('title', {}, bar.text),
      ),
      svg(
        'text',
        { class: 'axis value', x: pad + Math.max(w, 2) + 6, y: y + 31 },
        bar.valueLabel ?? opts.format(bar.value),
      ),
    );
  });
  return chart;
}

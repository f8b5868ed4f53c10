import type { PageContext } from '../../platform/views/context';

/**
 * Server-rendered SVG charts in the style of the transcript's (credits/views.tsx): no script, scale with the
 * page, role="img" named by a short text, and the figures given again as a table beside them (the text
 * alternative that screen readers and keyboard users read).
 */

export interface FunnelStage {
  label: string;
  count: number;
}

/** Horizontal bars, widest first: each stage of the renewal against the targets. */
export function FunnelChart({ stages, label }: { stages: FunnelStage[]; label: string }) {
  const max = Math.max(1, ...stages.map((s) => s.count));
  const rowH = 30;
  return (
    <svg class="report-chart" viewBox={`0 0 480 ${stages.length * rowH}`} role="img" aria-label={label} width="100%">
      {stages.map((s, i) => {
        const w = (300 * s.count) / max;
        return (
          <g key={s.label} transform={`translate(0 ${i * rowH})`}>
            <text x="0" y="20" class="chart__label">{s.label}</text>
            <rect x={130 + (300 - w) / 2} y="4" width={w.toFixed(1)} height="22" class="chart__bar" />
            <text x="476" y="20" text-anchor="end" class="chart__value">{s.count.toLocaleString('ja-JP')}</text>
          </g>
        );
      })}
    </svg>
  );
}

/** Two series per day as paired columns (submitted, completed), with the first and last day written under the axis. */
export function TrendChart({ ctx, days, label }: { ctx: PageContext; days: { day: string; submitted: number; completed: number }[]; label: string }) {
  const max = Math.max(1, ...days.flatMap((d) => [d.submitted, d.completed]));
  const width = 480;
  const height = 160;
  const left = 30;
  const bottom = 20;
  const slot = (width - left) / Math.max(1, days.length);
  const barW = Math.max(1, slot / 2 - 1);
  const y = (v: number) => (height - bottom) * (1 - v / max);
  const short = (day: string) => `${Number(day.slice(5, 7))}/${Number(day.slice(8, 10))}`;
  return (
    <svg class="report-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} width="100%">
      <line x1={left} x2={width} y1={height - bottom} y2={height - bottom} class="chart__axis" />
      <text x={left - 4} y="12" text-anchor="end" class="chart__value">{max}</text>
      <text x={left - 4} y={height - bottom} text-anchor="end" class="chart__value">0</text>
      {days.map((d, i) => (
        <g key={d.day} transform={`translate(${(left + i * slot).toFixed(1)} 0)`}>
          <rect x="0" y={y(d.submitted).toFixed(1)} width={barW.toFixed(1)} height={(height - bottom - y(d.submitted)).toFixed(1)} class="chart__bar" />
          <rect x={barW.toFixed(1)} y={y(d.completed).toFixed(1)} width={barW.toFixed(1)} height={(height - bottom - y(d.completed)).toFixed(1)} class="chart__bar chart__bar--alt" />
        </g>
      ))}
      {days.length > 0 && <text x={left} y={height - 4} class="chart__label">{short(days[0]!.day)}</text>}
      {days.length > 1 && <text x={width} y={height - 4} text-anchor="end" class="chart__label">{short(days[days.length - 1]!.day)}</text>}
      <g transform={`translate(${left + 8} 4)`} aria-hidden="true">
        <rect x="0" y="0" width="10" height="10" class="chart__bar" /><text x="14" y="10" class="chart__label">{ctx.t('reports.series.submitted')}</text>
        <rect x="100" y="0" width="10" height="10" class="chart__bar chart__bar--alt" /><text x="114" y="10" class="chart__label">{ctx.t('reports.series.completed')}</text>
      </g>
    </svg>
  );
}

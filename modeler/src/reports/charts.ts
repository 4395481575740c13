/**
 * The throughput charts with Apache ECharts, imported part by part (core, the line and bar
 * charts, four components, the SVG renderer) so the page carries only what it draws; SVG prints
 * sharp and is what the Chromium test finds.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

import type { ThroughputReport } from '../../../server/analytics/process-report.js';
import { formatDateTime, t } from '../shared/i18n.js';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer]);

const HOUR = 3_600_000;
const charts = new Map<HTMLElement, echarts.ECharts>();

function chartIn(container: HTMLElement): echarts.ECharts {
  let chart = charts.get(container);
  if (!chart) {
    chart = echarts.init(container, null, { renderer: 'svg' });
    charts.set(container, chart);
  }
  return chart;
}

/** Resize with the window (and before printing). */
export function resizeCharts(): void {
  for (const chart of charts.values()) chart.resize();
}

const base = { animation: false, tooltip: { trigger: 'axis' as const }, legend: { top: 24 }, grid: { left: 48, right: 16, top: 64, bottom: 32 } };

export function drawThroughput(container: HTMLElement, report: ThroughputReport): void {
  const labels = report.buckets.map((b) => formatDateTime(b.start, { dateStyle: 'short', timeZone: 'UTC' }));
  chartIn(container).setOption(
    {
      ...base,
      title: { text: t('reports:throughput.title'), textStyle: { fontSize: 13 } },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('reports:throughput.started'), type: 'bar', data: report.buckets.map((b) => b.started) },
        { name: t('reports:throughput.finished'), type: 'bar', data: report.buckets.map((b) => b.finished) },
        { name: t('reports:throughput.backlog'), type: 'line', data: report.buckets.map((b) => b.backlog) },
      ],
    },
    true,
  );
}

export function drawCycle(container: HTMLElement, report: ThroughputReport): void {
  const labels = report.buckets.map((b) => formatDateTime(b.start, { dateStyle: 'short', timeZone: 'UTC' }));
  const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / HOUR) * 10) / 10);
  chartIn(container).setOption(
    {
      ...base,
      title: { text: t('reports:throughput.cycleTitle'), textStyle: { fontSize: 13 } },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value' },
      series: [
        { name: t('reports:throughput.cycleP50'), type: 'line', connectNulls: true, data: report.buckets.map((b) => hours(b.cycleMs.p50)) },
        { name: t('reports:throughput.cycleP90'), type: 'line', connectNulls: true, data: report.buckets.map((b) => hours(b.cycleMs.p90)) },
      ],
    },
    true,
  );
}

export function drawSla(container: HTMLElement, report: ThroughputReport, departmentName: (id: string) => string): void {
  chartIn(container).setOption(
    {
      ...base,
      xAxis: { type: 'category', data: report.sla.map((s) => departmentName(s.department)), axisLabel: { interval: 0, rotate: report.sla.length > 4 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      legend: { top: 0 },
      grid: { ...base.grid, top: 32 },
      series: [
        { name: t('reports:throughput.met'), type: 'bar', stack: 'sla', color: '#12b76a', data: report.sla.map((s) => s.met) },
        { name: t('reports:throughput.breached'), type: 'bar', stack: 'sla', color: '#d92d20', data: report.sla.map((s) => s.breached) },
      ],
    },
    true,
  );
}

/**
 * The process heatmap: the chosen version's diagram in the bpmn-js NavigatedViewer (pan and zoom,
 * no editing), with an overlay per activity (passed, queue and work time, time waiting on the
 * customer, SLA breaches), the activities shaded by their total waiting, the bottleneck outlined,
 * and the sequence flows drawn thicker and darker the more often they were taken.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import type { ActivitiesReport, ActivityFigures } from '../../../server/analytics/process-report.js';
import type { Canvas, ElementRegistry, Overlays } from '../modeler/diagram-types.js';
import { formatNumber, t } from '../shared/i18n.js';
import { duration } from './format.js';

const OVERLAY = 'baton-heat';

export class Heatmap {
  private readonly viewer: NavigatedViewer;
  private readonly marked: [string, string][] = [];
  private drawn: string | null = null;

  constructor(container: HTMLElement) {
    this.viewer = new NavigatedViewer({ container });
    (window as unknown as { batonHeatmap: NavigatedViewer }).batonHeatmap = this.viewer;
  }

  /** Imports the diagram unless it is the one drawn already (`id` names it). */
  async open(id: string, xml: string): Promise<void> {
    if (this.drawn === id) return;
    await this.viewer.importXML(xml);
    this.drawn = id;
    this.service<Canvas>('canvas').zoom('fit-viewport', 'auto');
  }

  nameOf(elementId: string): string {
    const name = this.service<ElementRegistry>('elementRegistry').get(elementId)?.businessObject.name;
    return typeof name === 'string' && name.trim() ? name.trim() : elementId;
  }

  show(report: ActivitiesReport): void {
    this.clear();
    const registry = this.service<ElementRegistry>('elementRegistry');
    const overlays = this.service<Overlays>('overlays');
    const canvas = this.service<Canvas>('canvas');
    const maxWait = Math.max(0, ...report.activities.map((a) => a.totalWaitingMs));
    for (const activity of report.activities) {
      if (!registry.get(activity.elementId)) continue;
      const bottleneck = activity.elementId === report.bottleneck;
      if (maxWait > 0 && activity.totalWaitingMs > 0) this.mark(canvas, activity.elementId, `heat-${Math.min(4, 1 + Math.floor((activity.totalWaitingMs / maxWait) * 3.999))}`);
      if (bottleneck) this.mark(canvas, activity.elementId, 'heat-bottleneck');
      overlays.add(activity.elementId, OVERLAY, { position: { bottom: -4, left: 0 }, html: overlayOf(activity, bottleneck) });
    }
    const maxFlow = Math.max(0, ...report.flows.map((f) => f.count));
    for (const flow of report.flows) {
      if (!registry.get(flow.elementId) || maxFlow === 0) continue;
      this.mark(canvas, flow.elementId, `flow-${Math.max(1, Math.ceil((flow.count / maxFlow) * 5))}`);
    }
  }

  private mark(canvas: Canvas, elementId: string, marker: string): void {
    canvas.addMarker(elementId, marker);
    this.marked.push([elementId, marker]);
  }

  private clear(): void {
    const canvas = this.service<Canvas>('canvas');
    for (const [elementId, marker] of this.marked.splice(0)) canvas.removeMarker(elementId, marker);
    this.service<Overlays>('overlays').remove({ type: OVERLAY });
  }

  private service<T>(name: string): T {
    return this.viewer.get(name) as T;
  }
}

function overlayOf(activity: ActivityFigures, bottleneck: boolean): HTMLElement {
  const box = document.createElement('div');
  box.className = `heat-overlay${bottleneck ? ' bottleneck' : ''}`;
  box.dataset['heatOf'] = activity.elementId;
  const line = (text: string, className = '') => {
    const div = document.createElement('div');
    div.textContent = text;
    if (className) div.className = className;
    box.append(div);
  };
  if (bottleneck) line(t('reports:heatmap.bottleneck'), 'flag');
  line(t('reports:heatmap.count', { count: formatNumber(activity.count) }));
  if (activity.queueMs.p50 !== null) line(t('reports:heatmap.queue', { p50: duration(activity.queueMs.p50), p90: duration(activity.queueMs.p90) }));
  if (activity.workMs.p50 !== null) line(t('reports:heatmap.work', { p50: duration(activity.workMs.p50) }));
  if (activity.waitingOnCustomerMs.p50 !== null) line(t('reports:heatmap.customer', { p50: duration(activity.waitingOnCustomerMs.p50) }));
  if (activity.slaBreached > 0) line(t('reports:heatmap.breached', { count: formatNumber(activity.slaBreached) }), 'breached');
  return box;
}

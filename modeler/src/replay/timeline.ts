/**
 * The timeline: every audit event in order (time, type, element, actor, short data). A click goes
 * to the step right after that event; the event the chain check names is marked.
 */
import type { ReplayEvent } from '../../../server/contracts/replay.js';
import { el } from '../shared/dom.js';
import { formatDateTime, t } from '../shared/i18n.js';
import { eventDetails } from './format.js';

export class Timeline {
  private rows: HTMLTableRowElement[] = [];

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly onPick: (step: number) => void,
  ) {}

  render(events: readonly ReplayEvent[], nameOf: (elementId: string | null) => string, alteredSeq: number | null): void {
    this.rows = events.map((event, index) => {
      const tr = el(
        'tr',
        { data: { seq: String(event.seq), type: event.type, element: event.elementId ?? '' }, className: event.seq === alteredSeq ? 'altered' : '' },
        el('td', { text: String(event.seq) }),
        el('td', { text: formatDateTime(event.at, { dateStyle: 'short', timeStyle: 'medium' }), title: event.at }),
        el('td', { text: event.type }),
        el('td', { text: nameOf(event.elementId), title: event.elementId ?? '' }),
        el('td', { text: event.actor }),
        el('td', { text: eventDetails(event, t), title: JSON.stringify(event.data, null, 1) }),
      );
      tr.addEventListener('click', () => this.onPick(index + 1));
      return tr;
    });
    this.body.replaceChildren(...this.rows);
  }

  /** Highlights the event of `step` (1-based; 0 highlights none) and keeps it in view. */
  select(step: number): void {
    for (const tr of this.body.querySelectorAll('tr.current')) tr.classList.remove('current');
    const tr = this.rows[step - 1];
    if (!tr) return;
    tr.classList.add('current');
    tr.scrollIntoView({ block: 'nearest' });
  }
}

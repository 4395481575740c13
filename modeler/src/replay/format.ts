/** How replay values read to a person: durations, times, one-line event details. */
import type { ReplayEvent } from '../../../server/contracts/replay.js';
import type { Translate } from '../../../server/i18n/languages.js';

/** 0 s, 45 s, 12 min, 3 h 20 min, 2 d 4 h. */
export function formatDuration(ms: number, t: Translate): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return t('replay:duration.s', { n: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('replay:duration.min', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? t('replay:duration.hmin', { h: hours, min: minutes % 60 }) : t('replay:duration.h', { n: hours });
  const days = Math.floor(hours / 24);
  return hours % 24 ? t('replay:duration.dh', { d: days, h: hours % 24 }) : t('replay:duration.d', { n: days });
}

/** A value in one short line. */
export function shortValue(value: unknown, max = 60): string {
  // Strings keep their quotes, so "false" and false read apart; undefined has no JSON.
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Engine bookkeeping that tells an auditor nothing. */
const NOISE = new Set(['executionId', 'type', 'taskId', 'version']);

/** The event's data in one line: the useful fields of the common types, compact JSON otherwise. */
export function eventDetails(event: Pick<ReplayEvent, 'type' | 'data'>, t: Translate, max = 140): string {
  const data = event.data ?? {};
  let text: string;
  switch (event.type) {
    case 'flow.taken':
      text = `${String(data['sourceId'] ?? '?')} → ${String(data['targetId'] ?? '?')}`;
      break;
    case 'timer.scheduled':
      text = t('replay:detail.due', { at: String(data['dueAt'] ?? '?') });
      break;
    case 'timer.fired':
      text = t('replay:detail.fired', { scheduledAt: String(data['scheduledAt'] ?? '?'), firedAt: String(data['firedAt'] ?? '?') });
      break;
    case 'variables.changed': {
      const set = Object.entries((data['set'] as Record<string, unknown> | undefined) ?? {}).map(([name, value]) => `${name} = ${shortValue(value, 30)}`);
      const removed = Array.isArray(data['removed']) ? data['removed'].map((name) => t('replay:detail.removed', { name: String(name) })) : [];
      text = [...set, ...removed].join(', ');
      break;
    }
    default:
      text = Object.entries(data)
        .filter(([name]) => !NOISE.has(name))
        .map(([name, value]) => `${name}: ${shortValue(value, 50)}`)
        .join(', ');
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Durations and rates as the report shows them, in the viewer's language. */
import { formatNumber, t } from '../shared/i18n.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `3 h 5 min`, `2 d 4 h`, `< 1 min`; a dash for none. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return t('reports:none');
  if (ms < MINUTE) return t('reports:unit.lessThanMinute');
  const unit = (key: 'min' | 'h' | 'd', n: number) => t(`reports:unit.${key}`, { n: formatNumber(n) });
  if (ms < HOUR) return unit('min', Math.round(ms / MINUTE));
  if (ms < 2 * DAY) {
    const h = Math.floor(ms / HOUR);
    const m = Math.round((ms % HOUR) / MINUTE);
    return m ? `${unit('h', h)} ${unit('min', m)}` : unit('h', h);
  }
  const d = Math.floor(ms / DAY);
  const h = Math.round((ms % DAY) / HOUR);
  return h ? `${unit('d', d)} ${unit('h', h)}` : unit('d', d);
}

export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? t('reports:none') : formatNumber(rate, { style: 'percent', maximumFractionDigits: 1 });
}

export function csat(value: { average: number | null; count: number }): string {
  return value.average === null ? t('reports:none') : `${formatNumber(value.average, { maximumFractionDigits: 2 })} (${formatNumber(value.count)})`;
}

export function num(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? t('reports:none') : formatNumber(value, { maximumFractionDigits: digits });
}

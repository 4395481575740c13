/** The inbox's SLA words from its catalog (`inbox:sla.*`, units `inbox:sla.units.*`). */
import { t } from '../shared/i18n.js';
import type { SlaWords } from './sla-words.js';

export const slaWords: SlaWords = Object.assign((key: Parameters<SlaWords>[0], vars?: Record<string, string>) => t(`inbox:sla.${key}`, vars), {
  units: { lessThanMinute: t('inbox:sla.units.lessThanMinute'), min: t('inbox:sla.units.min'), h: t('inbox:sla.units.h'), d: t('inbox:sla.units.d') },
});

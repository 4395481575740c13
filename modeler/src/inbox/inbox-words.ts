/** The inbox's SLA words from its catalog (`inbox:sla.*`). */
import { t } from '../shared/i18n.js';
import type { SlaWords } from './sla-words.js';

export const slaWords: SlaWords = (key, vars) => t(`inbox:sla.${key}`, vars);

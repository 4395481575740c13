/**
 * Checks a file before it replaces the diagram in the editor: too large, not BPMN, or without a
 * diagram layout gives a clear message and the editor keeps what it has.
 */
import type { Translate } from '../../../server/i18n/languages.js';
import { errorText } from '../shared/error-text.js';

const BPMN_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

interface Moddle {
  fromXML(xml: string, type?: string): Promise<{ rootElement: { $type: string; get(name: string): unknown }; warnings: { message: string }[] }>;
}

/** The server's deploy limit (server/definitions/xml-limits.ts DEFAULT_MAX_BYTES; a test keeps them equal). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/** null when the text can be imported, else what is wrong with it. */
export async function importProblem(text: string, bytes: number, moddle: Moddle, t: Translate): Promise<string | null> {
  if (bytes > MAX_IMPORT_BYTES) return t('modeler:import.tooLarge', { size: (bytes / 1024 / 1024).toFixed(1), limit: MAX_IMPORT_BYTES / 1024 / 1024 });
  if (!text.trimStart().startsWith('<') || !text.includes(BPMN_NS)) return t('modeler:import.notBpmn');
  let definitions;
  try {
    definitions = (await moddle.fromXML(text, 'bpmn:Definitions')).rootElement;
  } catch (err) {
    return t('modeler:import.unreadable', { message: errorText(err) });
  }
  const diagrams = (definitions.get('diagrams') ?? []) as { plane?: { planeElement?: unknown[] } }[];
  if (!diagrams.some((diagram) => (diagram.plane?.planeElement ?? []).length > 0)) {
    return t('modeler:import.noLayout');
  }
  return null;
}

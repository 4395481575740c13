import { BpmnModdle, type ParseResult } from 'bpmn-moddle';
import * as Elements from 'bpmn-elements';
import camundaDescriptor from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { zeebeDescriptor } from './zeebe-descriptor.js';
import serializer, { TypeResolver, type SerializableContext } from 'moddle-context-serializer';

import type { DefinitionRecord } from '../definitions/definition.js';
import { assignMissingIds } from '../definitions/missing-ids.js';
import { normalizeZeebe } from '../definitions/zeebe-normalize.js';
import { BatonTimerEventDefinition } from './baton-timer-definition.js';

/**
 * bpmn-engine's own type mapping, minus its DataObject extension Baton does not use, and with the
 * timer event definition that leaves the due decision to Baton's clock.
 */
const typeResolver = TypeResolver({ ...Elements, TimerEventDefinition: BatonTimerEventDefinition });

/** Camunda 7 and Camunda 8 (Zeebe) extensions: diagrams from either modeler keep their attributes. */
export const moddleOptions = { camunda: camundaDescriptor, zeebe: zeebeDescriptor };

/** Parses BPMN XML into the serialized context bpmn-engine runs from (the expensive part of a start). */
export async function parseSource(xml: string): Promise<SerializableContext> {
  const moddle = new BpmnModdle(moddleOptions);
  const context = await moddle.fromXML(xml);
  // The same names deploy gave (deploy reads through readBpmnContext, which assigns them too).
  normalizeZeebe(context);
  assignMissingIds(context);
  return serializeSource(context);
}

/** The serialized context from a diagram already read by bpmn-moddle (with the Camunda extension). */
export function serializeSource(moddleContext: ParseResult): SerializableContext {
  return annotateBatonTimers(moddleContext, serializer(moddleContext, typeResolver));
}

interface EventWithDefinitions {
  $attrs?: Record<string, string>;
  eventDefinitions?: { $attrs?: Record<string, string> }[];
}

/**
 * `baton:calendar` on a timer event definition (issue 16). The server's bpmn-moddle knows no Baton
 * types, so the attribute stays in the moddle element's `$attrs`, which the serializer drops: it is
 * copied onto the serialized definition's behaviour as `batonCalendar`, where
 * BatonTimerEventDefinition reads it.
 */
function annotateBatonTimers(moddleContext: ParseResult, source: SerializableContext): SerializableContext {
  for (const [id, element] of Object.entries(moddleContext.elementsById as Record<string, EventWithDefinitions>)) {
    const definitions = element.eventDefinitions;
    if (!definitions?.some((definition) => definition.$attrs?.['baton:calendar'])) continue;
    const activity = source.getActivityById(id) as { behaviour?: { eventDefinitions?: { behaviour?: Record<string, unknown> }[] } } | undefined;
    definitions.forEach((definition, index) => {
      const calendar = definition.$attrs?.['baton:calendar'];
      const behaviour = activity?.behaviour?.eventDefinitions?.[index]?.behaviour;
      if (calendar && behaviour) behaviour['batonCalendar'] = calendar;
    });
  }
  return source;
}

/**
 * Parsed sources per definition version. Saved instance states do not embed the diagram, so every
 * recover needs the parsed source; parsing per step would cost ~40 % of throughput.
 */
export class SourceCache {
  private readonly entries = new Map<string, Promise<SerializableContext>>();

  constructor(private readonly maxEntries = 200) {}

  get(definition: Pick<DefinitionRecord, 'id' | 'xml'>): Promise<SerializableContext> {
    const cached = this.entries.get(definition.id);
    if (cached) {
      // Re-insert to keep the most recently used at the end of the Map's order.
      this.entries.delete(definition.id);
      this.entries.set(definition.id, cached);
      return cached;
    }
    const parsed = parseSource(definition.xml);
    parsed.catch(() => this.entries.delete(definition.id));
    this.entries.set(definition.id, parsed);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return parsed;
  }
}

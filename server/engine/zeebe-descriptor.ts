/**
 * zeebe-bpmn-moddle's descriptor, usable next to camunda-bpmn-moddle's in one moddle: both
 * packages add modeler-template attributes (`modelerTemplate`…) to the same BPMN types, which
 * moddle refuses to define twice. Those only matter to a modeler, so Baton drops Zeebe's copies and
 * keeps everything that runs (task definitions, io mappings, headers, assignment, forms, called elements).
 */
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };

const MODELER_ONLY = new Set(['TemplateSupported', 'TemplatedRootElement', 'ConfigurationSupported']);

export const zeebeDescriptor = { ...zeebe, types: zeebe.types.filter((type) => !MODELER_ONLY.has(type.name)) };

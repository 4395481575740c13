/** Rule 3 (exactly one executable process) and which processes the rules must look into. */
import { children, descendants, describe, idOf, trimmed, type ModdleElement } from '../moddle-element.js';
import type { Findings } from '../validation-types.js';

export function processesOf(definitions: ModdleElement): ModdleElement[] {
  return children(definitions, 'rootElements').filter((root) => root.$instanceOf('bpmn:Process'));
}

/** Reports a diagram with no executable process, or with several; returns the executable ones. */
export function checkExecutable(definitions: ModdleElement, findings: Findings): ModdleElement[] {
  const processes = processesOf(definitions);
  const executable = processes.filter((process) => process.get('isExecutable') === true);
  if (executable.length === 0) {
    const listed = processes.map(describe).join(', ');
    findings.error(
      null,
      processes.length === 0
        ? 'The diagram has no executable process: it contains no process at all'
        : `The diagram has no executable process (${listed}); mark the process Baton should run as executable (isExecutable="true")`,
    );
  } else if (executable.length > 1) {
    for (const process of executable) {
      const others = executable
        .filter((other) => other !== process)
        .map(describe)
        .join(', ');
      findings.error(process, `${describe(process)} is executable, and so is ${others}; only one process per diagram may be executable, so mark the others as not executable`);
    }
  }
  return executable;
}

function startEventTriggers(process: ModdleElement): string[] {
  const types: string[] = [];
  for (const node of children(process, 'flowElements')) {
    if (!node.$instanceOf('bpmn:StartEvent')) continue;
    for (const definition of children(node, 'eventDefinitions')) types.push(definition.$type);
  }
  return types;
}

/**
 * The processes bpmn-engine can run from this diagram: the executable ones, the ones they call
 * (a call activity starts a process of the same diagram), and non-executable processes with a
 * message or signal start event, which bpmn-elements starts when the running process throws that
 * message or signal (DefinitionExecution._startProcessesByMessage). Other non-executable pools
 * are documentation and only get the rules that keep code out of the diagram.
 */
export function runnableProcesses(definitions: ModdleElement, executable: readonly ModdleElement[]): ModdleElement[] {
  const processes = processesOf(definitions);
  const byId = new Map(processes.map((process) => [idOf(process), process]));
  const runnable = new Set<ModdleElement>(executable);
  for (const process of processes) {
    const triggers = startEventTriggers(process);
    if (triggers.includes('bpmn:MessageEventDefinition') || triggers.includes('bpmn:SignalEventDefinition')) {
      runnable.add(process);
    }
  }
  const pending = [...runnable];
  for (let process = pending.pop(); process !== undefined; process = pending.pop()) {
    for (const element of descendants(process)) {
      if (!element.$instanceOf('bpmn:CallActivity')) continue;
      const called = byId.get(trimmed(element, 'calledElement') ?? null);
      if (called !== undefined && !runnable.has(called)) {
        runnable.add(called);
        pending.push(called);
      }
    }
  }
  return processes.filter((process) => runnable.has(process));
}

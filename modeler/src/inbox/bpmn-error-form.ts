/**
 * "Report a problem": the BPMN errors and escalations the diagram catches on the task (its error
 * and escalation boundary events), offered as a choice with a required reason. An error ends the
 * task; an escalation takes it away or, non-interrupting, starts a side path while it stays open.
 * Drawn only when the diagram catches something; the codes come from `GET /api/tasks/:id`
 * (`bpmnErrors`, `bpmnEscalations`), read here when the task at hand was not loaded through it
 * (after a claim, the server answers without them).
 */
import { api, type TaskView } from '../shared/api.js';
import { button, el, field } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

interface CatchableError {
  errorCode: string | null;
  name: string | null;
}

interface CatchableEscalation {
  escalationCode: string | null;
  name: string | null;
  interrupting: boolean;
}

type WithErrors = TaskView & { bpmnErrors?: CatchableError[]; bpmnEscalations?: CatchableEscalation[] };

export type ProblemKind = 'error' | 'escalation';

interface Choice {
  kind: ProblemKind;
  code: string | null;
  name: string | null;
  /** An escalation that leaves the task open. */
  keepsTask: boolean;
}

function choices(task: WithErrors): Choice[] {
  return [
    ...(task.bpmnErrors ?? []).map((error) => ({ kind: 'error' as const, code: error.errorCode, name: error.name, keepsTask: false })),
    ...(task.bpmnEscalations ?? []).map((escalation) => ({ kind: 'escalation' as const, code: escalation.escalationCode, name: escalation.name, keepsTask: !escalation.interrupting })),
  ];
}

function optionLabel(choice: Choice): string {
  const what = choice.code === null ? t('bpmn:inbox.anyCode') : choice.name ? `${choice.name} (${choice.code})` : choice.code;
  return choice.keepsTask ? `${what}: ${t('bpmn:inbox.keepsTask')}` : what;
}

function draw(box: HTMLElement, options: Choice[], submit: (kind: ProblemKind, code: string, reason: string) => void): void {
  const [first] = options;
  if (!first) return;
  const form = el('form', { className: 'mini-form' });
  form.id = 'bpmn-error';
  form.noValidate = true;
  const select = el('select');
  select.name = 'code';
  options.forEach((choice, index) => select.append(new Option(optionLabel(choice), String(index))));
  // A catch-all event takes any code: the person names it.
  const custom = el('input');
  custom.name = 'custom';
  custom.autocomplete = 'off';
  custom.placeholder = t('bpmn:inbox.codePlaceholder');
  const reason = el('textarea');
  reason.name = 'reason';
  reason.rows = 2;
  reason.placeholder = t('bpmn:inbox.reasonPlaceholder');
  const problem = el('p', { className: 'error' });
  problem.setAttribute('role', 'alert');
  problem.hidden = true;
  const customField = field(t('bpmn:inbox.customCode'), custom, 'bpmn-error-custom');
  const chosen = (): Choice => options[Number(select.value)] ?? first;
  const showCustom = () => {
    customField.hidden = chosen().code !== null;
  };
  form.append(
    el('h3', { text: t('bpmn:inbox.title') }),
    el('p', { className: 'muted', text: t('bpmn:inbox.explain') }),
    field(t('bpmn:inbox.code'), select, 'bpmn-error-code'),
    customField,
    field(t('bpmn:inbox.reason'), reason, 'bpmn-error-reason'),
    problem,
    button(t('bpmn:inbox.submit'), () => undefined, { type: 'submit' }),
  );
  select.addEventListener('change', showCustom);
  showCustom();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const choice = chosen();
    const code = choice.code ?? custom.value.trim();
    const why = reason.value.trim();
    const missing = !code ? t('bpmn:inbox.needCode') : !why ? t('bpmn:inbox.needReason') : null;
    problem.textContent = missing ?? '';
    problem.hidden = missing === null;
    if (missing === null) submit(choice.kind, code, why);
  });
  box.append(form);
}

/** A box that fills itself with the form when the diagram catches errors or escalations on the task. */
export function bpmnErrorBox(task: WithErrors, submit: (kind: ProblemKind, code: string, reason: string) => void): HTMLElement {
  const box = el('div', { className: 'task-actions bpmn-error' });
  if (task.bpmnErrors) {
    draw(box, choices(task), submit);
  } else {
    api
      .task(task.id)
      .then((full) => draw(box, choices(full as WithErrors), submit))
      .catch(() => undefined);
  }
  return box;
}

/**
 * "End with a problem": the BPMN errors the diagram catches on the task (its error boundary
 * events), offered as a choice with a required reason. Drawn only when the diagram catches one;
 * the codes come from `GET /api/tasks/:id` (`bpmnErrors`), read here when the task at hand was
 * not loaded through it (after a claim, the server answers without them).
 */
import { api, type TaskView } from '../shared/api.js';
import { button, el, field } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

interface CatchableError {
  errorCode: string | null;
  name: string | null;
}

type WithErrors = TaskView & { bpmnErrors?: CatchableError[] };

function optionLabel(error: CatchableError): string {
  if (error.errorCode === null) return t('bpmn:inbox.anyCode');
  return error.name ? `${error.name} (${error.errorCode})` : error.errorCode;
}

function draw(box: HTMLElement, errors: CatchableError[], submit: (code: string, reason: string) => void): void {
  if (errors.length === 0) return;
  const form = el('form', { className: 'mini-form' });
  form.id = 'bpmn-error';
  form.noValidate = true;
  const select = el('select');
  select.name = 'code';
  for (const error of errors) select.append(new Option(optionLabel(error), error.errorCode ?? ''));
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
  const showCustom = () => {
    custom.parentElement!.hidden = select.value !== '';
  };
  form.append(
    el('h3', { text: t('bpmn:inbox.title') }),
    el('p', { className: 'muted', text: t('bpmn:inbox.explain') }),
    field(t('bpmn:inbox.code'), select, 'bpmn-error-code'),
    field(t('bpmn:inbox.customCode'), custom, 'bpmn-error-custom'),
    field(t('bpmn:inbox.reason'), reason, 'bpmn-error-reason'),
    problem,
    button(t('bpmn:inbox.submit'), () => undefined, { type: 'submit' }),
  );
  select.addEventListener('change', showCustom);
  showCustom();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = select.value || custom.value.trim();
    const why = reason.value.trim();
    const missing = !code ? t('bpmn:inbox.needCode') : !why ? t('bpmn:inbox.needReason') : null;
    problem.textContent = missing ?? '';
    problem.hidden = missing === null;
    if (missing === null) submit(code, why);
  });
  box.append(form);
}

/** A box that fills itself with the form when the diagram catches errors on the task. */
export function bpmnErrorBox(task: WithErrors, submit: (code: string, reason: string) => void): HTMLElement {
  const box = el('div', { className: 'task-actions bpmn-error' });
  if (task.bpmnErrors) {
    draw(box, task.bpmnErrors, submit);
  } else {
    api
      .task(task.id)
      .then((full) => draw(box, (full as WithErrors).bpmnErrors ?? [], submit))
      .catch(() => undefined);
  }
  return box;
}

/**
 * Completing an opened task with the form it asks for: the form-js form its formKey names in the
 * process version, else its camunda:formData fields drawn by form-js, else a plain "Complete" with
 * an optional comment. form-js checks required fields first; the server checks the same fields again.
 */
import { ApiError, api, type TaskView } from '../shared/api.js';
import { renderForm, schemaOfFields, type FormSchema, type FormView } from '../shared/form-view.js';
import { button, el, errorText, field } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

export interface Completion {
  /** Sends the data; resolves when done, rejects with the server's error (shown by the caller). */
  complete(variables: Record<string, unknown>, comment: string | null): Promise<void>;
}

async function schemaFor(task: TaskView): Promise<FormSchema | null> {
  if (task.formKey) {
    try {
      return await api.form(task.processKey, task.definitionVersion, task.formKey);
    } catch (err) {
      // A formKey naming no embedded form (a Camunda diagram's external form): use what else there is.
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
  }
  return task.form && task.form.length ? schemaOfFields(`task-${task.id}`, task.form) : null;
}

/** Draws the completion part into `container`; returns a cleanup for when the task closes. */
export async function renderCompletion(container: HTMLElement, task: TaskView, me: string, completion: Completion): Promise<() => void> {
  const title = el('h3', { text: t('inbox:complete.title') });
  title.id = 'completion-title';
  if (task.assignee !== null && task.assignee !== me) {
    container.replaceChildren(title, el('p', { className: 'muted', text: t('inbox:complete.onlyOwner', { assignee: task.assignee }) }));
    return () => undefined;
  }
  const error = el('p', { className: 'error' });
  error.id = 'completion-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const say = (message: string | null) => {
    error.textContent = message ?? '';
    error.hidden = message === null;
  };
  const holder = el('div', { className: 'form-holder' });
  const submit = button(t('inbox:complete.button'), () => void send(), { className: 'primary', ariaLabel: t('inbox:complete.label', { ticket: task.ticketNumber }) });
  submit.id = 'complete';
  container.replaceChildren(title, holder, error, submit);

  let view: FormView | null = null;
  let comment: HTMLTextAreaElement | null = null;
  try {
    const schema = await schemaFor(task);
    if (schema) {
      view = await renderForm(holder, schema);
    } else {
      comment = el('textarea');
      comment.rows = 2;
      comment.placeholder = t('inbox:complete.commentPlaceholder');
      holder.append(el('p', { className: 'muted', text: t('inbox:complete.noForm') }), field(t('inbox:complete.commentLabel'), comment, 'complete-comment'));
    }
  } catch (err) {
    say(t('inbox:complete.formFailed', { message: errorText(err) }));
    submit.disabled = true;
  }

  async function send(): Promise<void> {
    say(null);
    let variables: Record<string, unknown> = {};
    if (view) {
      const { data, errors } = view.submit();
      // form-js marks each field it refuses (its errors are keyed by internal field ids, not names).
      if (Object.keys(errors).length) {
        say(t('inbox:complete.fillMarked'));
        return;
      }
      variables = data;
    }
    submit.disabled = true;
    try {
      await completion.complete(variables, comment?.value.trim() || null);
    } catch (err) {
      say(errorText(err));
    } finally {
      submit.disabled = false;
    }
  }

  return () => view?.destroy();
}

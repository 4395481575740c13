/** The task form editor (form-js), loaded on first use; saving stores the schema through a command. */
import '@bpmn-io/form-js/dist/assets/form-js.css';
import '@bpmn-io/form-js/dist/assets/form-js-editor.css';

import { $ } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { SET_FORM, formSchemaOf } from './baton-commands.js';
import type { CommandStack, Shape } from './diagram-types.js';

const EMPTY_FORM = { type: 'default', components: [] as unknown[] };

interface FormEditorLike {
  importSchema(schema: unknown): Promise<unknown>;
  saveSchema(): Record<string, unknown>;
  destroy(): void;
}

export function setUpFormDialog(commandStack: () => CommandStack, say: (text: string, kind?: 'ok' | 'error') => void) {
  const dialog = $<HTMLDialogElement>('#form-dialog');
  const container = $('#form-editor');
  const title = $('#form-title');
  let editor: FormEditorLike | null = null;
  let task: Shape | null = null;

  const close = () => {
    editor?.destroy();
    editor = null;
    task = null;
    dialog.close();
  };
  $('#form-cancel').addEventListener('click', close);
  $('#form-save').addEventListener('click', () => {
    if (!editor || !task) return;
    const formKey = String(task.businessObject.get('camunda:formKey') ?? '') || task.id;
    commandStack().execute(SET_FORM, { element: task, formKey, schema: editor.saveSchema() });
    say(t('modeler:form.saved', { formKey }), 'ok');
    close();
  });

  return async function open(element: Shape): Promise<void> {
    const formKey = String(element.businessObject.get('camunda:formKey') ?? '') || element.id;
    title.textContent = t('modeler:form.titleOf', { formKey, name: element.businessObject.name ?? element.id });
    const { FormEditor } = await import('@bpmn-io/form-js');
    container.replaceChildren();
    dialog.showModal();
    editor = new FormEditor({ container }) as unknown as FormEditorLike;
    await editor.importSchema(formSchemaOf(element, formKey) ?? { ...EMPTY_FORM, id: formKey });
    task = element;
    // For the browser tests and the console, like window.batonModeler.
    (window as unknown as { batonFormEditor: unknown }).batonFormEditor = editor;
  };
}

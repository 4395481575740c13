/**
 * /request/<processKey>?field=value: the public request form of a process with public intake
 * (no sign-in). The start event's form is drawn by the shared form-js renderer, prefilled from the
 * query (the QR code on the equipment carries e.g. equipmentId); the answer shows the ticket
 * number and the private status link.
 */
import './request.css';

import type { IntakeAnswer, IntakeForm } from '../../../server/customer/status-view.js';
import { ApiError, json } from '../shared/api.js';
import { $, errorText } from '../shared/dom.js';
import { languagePicker, t, translatePage } from '../shared/i18n.js';
import { renderForm, schemaOfFields, type FormView } from '../shared/form-view.js';

translatePage();
$('#language').append(languagePicker());

const form = $<HTMLFormElement>('#request-form');
const error = $('#error');
const send = $<HTMLButtonElement>('#send');
const processKey = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const prefill = Object.fromEntries(new URLSearchParams(location.search));
const base = `/api/public/processes/${encodeURIComponent(processKey)}`;

function show(message: string): void {
  error.textContent = message;
  error.hidden = false;
}

async function main(): Promise<void> {
  let intake: IntakeForm;
  try {
    intake = await json<IntakeForm>('GET', `${base}/intake`);
  } catch (err) {
    show(err instanceof ApiError && err.status === 404 ? t('request:noForm') : String(err));
    return;
  }
  document.title = intake.title;
  $('#title').textContent = intake.title;
  const view: FormView = await renderForm($('#form'), intake.schema ?? schemaOfFields('intake', intake.fields), prefill);
  send.disabled = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const { data, errors } = view.submit();
    if (Object.keys(errors).length) return;
    error.hidden = true;
    send.disabled = true;
    const website = $<HTMLInputElement>('#website', form).value;
    json<IntakeAnswer>('POST', `${base}/requests`, { json: { data, formStamp: intake.formStamp, [intake.honeypot]: website } })
      .then((answer) => {
        form.hidden = true;
        $('#ticket-number').textContent = answer.ticketNumber;
        $<HTMLAnchorElement>('#status-link').href = answer.statusPath;
        $('#receipt').hidden = false;
      })
      .catch((err: unknown) => {
        show(err instanceof ApiError && err.status === 429 ? t('request:tooMany') : errorText(err));
        send.disabled = false;
      });
  });
  document.body.dataset['ready'] = 'true';
}

void main();

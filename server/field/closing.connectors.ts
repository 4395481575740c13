/**
 * Closing a visit: `use-parts` writes the parts the technician used off the stock (and releases
 * what the ticket still held); `invoice` bills labour (time on site × rate) and those parts, keeps
 * the invoice as the `invoice` variable (the status page shows the amount and offers the PDF) and
 * emails it with the PDF attached, in the customer's language.
 *
 * Inputs: `parts` (default the `partsUsed` variable: `"P-17:1, F-3:2"`); `invoice` also `to`
 * (default `customerEmail`), `rate` and `taxRate` (defaults: the technician's rate, configuration).
 */
import type { InvoiceConfig } from '../config.js';
import type { Connector } from '../engine/connectors/connector.js';
import { isLang, DEFAULT_LANG } from '../i18n/languages.js';
import { translator } from '../i18n/i18n.js';
import type { FieldService } from './field.service.js';
import { partNeeds } from './field.service.js';
import { buildInvoice } from './invoice.js';
import { formatMoney, renderInvoicePdf } from './invoice-pdf.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);

export function usePartsConnector(field: () => FieldService): Connector {
  return {
    name: 'use-parts',
    description: 'Writes the parts used (input parts, default the partsUsed variable) off the stock; releases what the ticket held.',
    async run(call) {
      const used = partNeeds(call.input['parts'] ?? call.variables['partsUsed']);
      const service = field();
      const technician = (await service.visitTechnician(call.instanceId))?.username ?? text(call.variables['technician']);
      const moves = await service.usePartsMoves(call.instanceId, technician, used);
      for (const move of moves) call.moveStock(move);
      return { used };
    },
  };
}

export function invoiceConnector(field: () => FieldService, defaults: InvoiceConfig): Connector {
  return {
    name: 'invoice',
    description: 'Bills labour and parts used, stores the invoice and emails it as a PDF (inputs to, parts, rate, taxRate).',
    async run(call) {
      const to = text(call.input['to']) ?? text(call.variables['customerEmail']);
      if (!to || !EMAIL.test(to)) throw new Error(`invoice: no email address to send it to (input 'to' or variable customerEmail), got '${to ?? ''}'`);
      const service = field();
      const visitor = await service.visitTechnician(call.instanceId);
      const [arrived, profile, catalogue] = await Promise.all([service.arrivedAt(call.instanceId), visitor ? service.profile(visitor.username) : Promise.resolve(null), service.parts()]);
      const rate = Number(call.input['rate'] ?? profile?.hourlyRate ?? defaults.hourlyRate);
      const taxRate = Number(call.input['taxRate'] ?? defaults.taxRate);
      if (!Number.isFinite(rate) || rate < 0 || !Number.isFinite(taxRate) || taxRate < 0 || taxRate > 1) throw new Error('invoice: rate must be ≥ 0 and taxRate between 0 and 1');
      const lang = isLang(call.variables['customerLang']) ? call.variables['customerLang'] : DEFAULT_LANG;
      const t = translator(lang);
      const invoice = buildInvoice({
        ticketNumber: call.ticketNumber,
        issuedAt: call.now,
        customerName: text(call.variables['customerName']),
        customerEmail: to,
        technician: visitor?.name ?? null,
        currency: defaults.currency,
        minutesOnSite: arrived ? Math.max(0, (call.now.getTime() - arrived.getTime()) / 60_000) : 60,
        hourlyRate: rate,
        taxRate,
        partsUsed: partNeeds(call.input['parts'] ?? call.variables['partsUsed']),
        catalogue,
        labourText: t('field:invoice.labour'),
      });
      const pdf = await renderInvoicePdf(invoice, lang);
      const vars = { number: invoice.number, ticket: call.ticketNumber, total: formatMoney(invoice.total, invoice.currency, lang), name: invoice.customerName ?? '' };
      call.queueEmail({
        to,
        subject: t('field:invoice.emailSubject', vars),
        body: t('field:invoice.emailBody', vars),
        attachments: [{ filename: `invoice-${invoice.number}.pdf`, contentType: 'application/pdf', contentBase64: pdf.toString('base64') }],
      });
      call.audit('invoice.issued', { number: invoice.number, net: invoice.net, tax: invoice.tax, total: invoice.total, currency: invoice.currency });
      call.setVariables({ invoice, invoiceTotal: invoice.total });
      return { number: invoice.number, total: invoice.total };
    },
  };
}

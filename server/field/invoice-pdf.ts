/**
 * The invoice as a PDF (pdfkit), in the customer's language. DejaVu Sans is embedded because the
 * PDF standard fonts have no Cyrillic: a Russian invoice must print its own words.
 */
import { createRequire } from 'node:module';

import PDFDocument from 'pdfkit';

import type { Lang } from '../i18n/languages.js';
import { translator } from '../i18n/i18n.js';
import type { Invoice } from './invoice.js';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export function formatMoney(amount: number, currency: string, lang: Lang): string {
  return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(amount);
}

export function renderInvoicePdf(invoice: Invoice, lang: Lang): Promise<Buffer> {
  const t = translator(lang);
  const money = (amount: number) => formatMoney(amount, invoice.currency, lang);
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${t('field:invoice.title')} ${invoice.number}`, Author: 'Baton' } });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc
    .font('bold')
    .fontSize(20)
    .text(`${t('field:invoice.title')} ${invoice.number}`);
  doc.moveDown(0.5).font('body').fontSize(10);
  const facts: [string, string | null][] = [
    [t('field:invoice.date'), new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(invoice.issuedAt))],
    [t('field:invoice.ticket'), invoice.ticketNumber],
    [t('field:invoice.customer'), [invoice.customerName, invoice.customerEmail].filter(Boolean).join(', ') || null],
    [t('field:invoice.technician'), invoice.technician],
  ];
  for (const [label, value] of facts) if (value) doc.text(`${label}: ${value}`);

  doc.moveDown();
  const columns = [50, 300, 360, 450];
  const header = [t('field:invoice.description'), t('field:invoice.quantity'), t('field:invoice.unitPrice'), t('field:invoice.amount')];
  const row = (cells: string[], font: 'body' | 'bold') => {
    const y = doc.y;
    doc.font(font);
    cells.forEach((cell, index) => doc.text(cell, columns[index] ?? 0, y, { width: index === 0 ? 240 : 90, align: index === 0 ? 'left' : 'right' }));
    doc.moveDown(0.4);
  };
  row(header, 'bold');
  for (const line of invoice.lines) {
    const description = line.kind === 'labour' ? t('field:invoice.labour') : `${line.description}${line.sku ? ` (${line.sku})` : ''}`;
    row([description, String(line.quantity), money(line.unitPrice), money(line.amount)], 'body');
  }
  doc.moveDown();
  row(['', '', t('field:invoice.net'), money(invoice.net)], 'body');
  row(['', '', t('field:invoice.tax', { rate: Math.round(invoice.taxRate * 1000) / 10 }), money(invoice.tax)], 'body');
  row(['', '', t('field:invoice.total'), money(invoice.total)], 'bold');
  doc.moveDown(2).font('body').fontSize(9).text(t('field:invoice.footer'), 50, doc.y, { width: 495 });
  doc.end();
  return done;
}

/**
 * The invoice of a finished visit: labour (time on site × rate) and the parts used (catalogue
 * prices), tax, a number per year. Pure: the invoice handler gathers the figures, this adds up.
 * Amounts are in cents internally so that lines and totals add up exactly.
 */
import type { Part } from './field.js';
import type { PartNeed } from './dispatch-scoring.js';

export interface InvoiceLine {
  kind: 'labour' | 'part';
  description: string;
  sku: string | null;
  quantity: number;
  unitPrice: number;
  amount: number;
}

export interface Invoice {
  /** `<year>-<ticket number>`: one invoice per ticket, unique, readable on the phone. */
  number: string;
  issuedAt: string;
  ticketNumber: string;
  customerName: string | null;
  customerEmail: string | null;
  technician: string | null;
  currency: string;
  lines: InvoiceLine[];
  net: number;
  taxRate: number;
  tax: number;
  total: number;
}

export interface InvoiceInput {
  ticketNumber: string;
  issuedAt: Date;
  customerName: string | null;
  customerEmail: string | null;
  technician: string | null;
  currency: string;
  /** Minutes on site; billed in started quarter hours. */
  minutesOnSite: number;
  hourlyRate: number;
  taxRate: number;
  partsUsed: PartNeed[];
  catalogue: Part[];
  labourText: string;
}

const cents = (value: number) => Math.round(value * 100);
const euros = (value: number) => value / 100;

export function buildInvoice(input: InvoiceInput): Invoice {
  const hours = Math.max(1, Math.ceil(input.minutesOnSite / 15)) / 4;
  const lines: InvoiceLine[] = [{ kind: 'labour', description: input.labourText, sku: null, quantity: hours, unitPrice: input.hourlyRate, amount: euros(Math.round(hours * cents(input.hourlyRate))) }];
  for (const used of input.partsUsed) {
    const part = input.catalogue.find((entry) => entry.sku === used.sku);
    const price = part?.price ?? 0;
    lines.push({ kind: 'part', description: part?.name ?? used.sku, sku: used.sku, quantity: used.quantity, unitPrice: price, amount: euros(used.quantity * cents(price)) });
  }
  const net = lines.reduce((sum, line) => sum + cents(line.amount), 0);
  const tax = Math.round(net * input.taxRate);
  return {
    number: `${input.issuedAt.getUTCFullYear()}-${input.ticketNumber}`,
    issuedAt: input.issuedAt.toISOString(),
    ticketNumber: input.ticketNumber,
    customerName: input.customerName,
    customerEmail: input.customerEmail,
    technician: input.technician,
    currency: input.currency,
    lines,
    net: euros(net),
    taxRate: input.taxRate,
    tax: euros(tax),
    total: euros(net + tax),
  };
}

/** A stored invoice variable read back (the PDF and the status page), or null when it is not one. */
export function invoiceOf(value: unknown): Invoice | null {
  if (!value || typeof value !== 'object') return null;
  const invoice = value as Partial<Invoice>;
  return typeof invoice.number === 'string' && Array.isArray(invoice.lines) && typeof invoice.total === 'number' ? (invoice as Invoice) : null;
}

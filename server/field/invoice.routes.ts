import { Router, type Request, type Response } from 'express';

import { NotFoundError } from '../errors.js';
import type { StatusService } from '../customer/status.service.js';
import { langFromRequest } from '../i18n/i18n.js';
import type { InstanceStore } from '../instances/instance.store.js';
import { guard, READERS } from '../http/roles.js';
import { invoiceOf } from './invoice.js';
import { renderInvoicePdf } from './invoice-pdf.js';

async function sendInvoice(req: Request, res: Response, instances: InstanceStore, instanceId: string): Promise<void> {
  const invoice = invoiceOf((await instances.get(instanceId))?.variables['invoice']);
  if (!invoice) throw new NotFoundError('This ticket has no invoice (yet)');
  const pdf = await renderInvoicePdf(invoice, langFromRequest(req));
  res.type('application/pdf').set('content-disposition', `attachment; filename="invoice-${invoice.number}.pdf"`).set('cache-control', 'private, no-store').send(pdf);
}

/** The customer's invoice by their status link (the page's download link and the JSON API's). */
export function publicInvoiceRoutes(status: StatusService, instances: InstanceStore): Router {
  const router = Router();
  const byToken = async (req: Request<{ token: string }>, res: Response) => {
    const { instanceId } = await status.access(req.params.token);
    await sendInvoice(req, res, instances, instanceId);
  };
  router.get('/status/:token/invoice.pdf', byToken);
  router.get('/api/public/status/:token/invoice.pdf', byToken);
  return router;
}

/** Staff who read instances download the same PDF. */
export function staffInvoiceRoutes(instances: InstanceStore): Router {
  const router = Router();
  router.get('/instances/:id/invoice.pdf', async (req, res) => {
    guard(req, ...READERS);
    await sendInvoice(req, res, instances, req.params.id);
  });
  return router;
}

import express, { Router } from 'express';

import { calendarPatch, icsImportSchema, newCalendar, toRecord } from '../contracts/calendars.js';
import { actorOf } from '../http/principal.js';
import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { CalendarService } from './calendar.service.js';

/** Calendars are read by everyone signed in (the modeler offers them); administrators change them. */
export function calendarRoutes(calendars: CalendarService): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.json(await calendars.list());
  });

  router.get('/:id', async (req, res) => {
    res.json(await calendars.get(req.params.id));
  });

  router.post('/', async (req, res) => {
    guard(req, 'admin');
    res.status(201).json(await calendars.create(toRecord(parseInput(newCalendar, req.body ?? {}, 'calendar'))));
  });

  router.patch('/:id', async (req, res) => {
    guard(req, 'admin');
    res.json(await calendars.update(req.params.id, parseInput(calendarPatch, req.body ?? {}, 'calendar change'), actorOf(req)));
  });

  router.delete('/:id', async (req, res) => {
    guard(req, 'admin');
    await calendars.delete(req.params.id);
    res.status(204).end();
  });

  // The .ics text either as JSON { ics } or as the raw text/calendar body.
  router.post('/:id/holidays/import', express.text({ type: ['text/calendar', 'text/plain'], limit: '2mb' }), async (req, res) => {
    guard(req, 'admin');
    const body: unknown = typeof req.body === 'string' ? { ics: req.body } : (req.body ?? {});
    const { ics } = parseInput(icsImportSchema, body, 'holiday import');
    res.json(await calendars.importHolidays(req.params.id, ics, actorOf(req)));
  });

  return router;
}

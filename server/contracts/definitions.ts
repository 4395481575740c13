/** Wire contracts of `/api/definitions`: deploying a diagram and naming a version. */
import { z } from 'zod';

import { key, type ErrorIssue } from './common.js';

/** `POST /api/definitions` with a JSON body (the raw XML body needs no schema). */
export const deployBodySchema = z.object({ xml: z.string().min(1) });
export type DeployBody = z.input<typeof deployBodySchema>;

/** The answer of a deploy: 201 for a new version, 200 when the same diagram was deployed already. */
export interface DeployAnswer {
  key: string;
  version: number;
  id: string;
  name: string;
  created: boolean;
  warnings: ErrorIssue[];
}

/** `:key/versions/:version` of a definition route. */
export const versionParamsSchema = z.object({ key, version: z.coerce.number().int().min(1) });

/** Wire contracts of `/api/departments`: the escalation pyramid and each department's head. */
import { z } from 'zod';

/** A department's id is the candidate group its tasks name, hence the narrow alphabet. */
const departmentId = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, _ and - (a candidate group names it)');

/** `POST /api/departments`. */
export const newDepartmentSchema = z.object({
  id: departmentId,
  name: z.string().trim().min(1).max(200),
  parentId: departmentId.nullish().transform((value) => value ?? null),
});
export type NewDepartmentBody = z.input<typeof newDepartmentSchema>;
export type NewDepartment = z.infer<typeof newDepartmentSchema>;

/** `PATCH /api/departments/:id`. */
export const departmentPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    parentId: departmentId.nullable().optional(),
    /** The business calendar its task SLAs count in (issue 16); null for none. */
    calendarId: z.string().trim().min(1).max(64).nullable().optional(),
  })
  .strict();
export type DepartmentPatchBody = z.input<typeof departmentPatchSchema>;
export type DepartmentPatch = z.infer<typeof departmentPatchSchema>;

/** `PUT /api/departments/:id/head`: the person a department's escalations go to; null for none. */
export const departmentHeadSchema = z.object({ username: z.string().trim().toLowerCase().min(1).max(64).nullable() }).strict();
export type DepartmentHeadBody = z.input<typeof departmentHeadSchema>;

/** A department as the answer of a create names it. */
export interface Department {
  id: string;
  name: string;
  parentId: string | null;
}

/** A department as `GET /api/departments` and a change answer it: with its business calendar. */
export interface DepartmentView extends Department {
  /** The business calendar its SLAs count in (issue 16); null for none. */
  calendarId: string | null;
}

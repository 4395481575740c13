import { DEMO_DEPARTMENTS } from '../departments/seed-departments.js';

/** Every demo department works office hours: the help-desk pyramid's SLAs count working time. */
export const DEPARTMENTS_ON_OFFICE_HOURS: string[] = DEMO_DEPARTMENTS.map((department) => department.id);

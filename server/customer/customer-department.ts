/**
 * Who the customer is to the process; apart from customer.ts (which holds Node types) because
 * the deploy rules, shared with the browser modeler, need the department too.
 */

/** The department a task is routed to when it waits on the customer. */
export const CUSTOMER_DEPARTMENT = 'customer';
/** The actor of everything the customer does. */
export const CUSTOMER_ACTOR = 'customer';

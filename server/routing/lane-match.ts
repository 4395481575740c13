/**
 * How a lane's name names a department (for tasks without candidate groups): by department id,
 * as written or in lower case, else by department name in any case. Pure and without Node APIs:
 * the router uses it at run time, the diagram rules (also in the browser modeler) to warn early.
 */

/** The department ids a lane's name may be (in order), and the lower-case name it may be. */
export function laneKeys(lane: string): { ids: [string, string]; name: string } {
  const lower = lane.toLowerCase();
  return { ids: [lane, lower], name: lower };
}

/** Whether the lane names a known department: `ids` as stored, `names` in lower case. */
export function laneMatches(lane: string, known: { ids: ReadonlySet<string>; names?: ReadonlySet<string> | undefined }): boolean {
  const { ids, name } = laneKeys(lane);
  return ids.some((id) => known.ids.has(id)) || known.names?.has(name) === true;
}

/**
 * Which technician a visit goes to, and why. Pure: every figure comes in, a ranked table comes out,
 * so a decision can be tested criterion by criterion and replayed from its audit event.
 *
 * Eligible: active, has every required skill, below their jobs-per-day limit. Among the eligible,
 * the score (0–100) weighs travel distance (40), today's load (30) and whether the parts needed are
 * in their van (30; a warehouse stock earns half). Ties go to the shorter trip, then the lighter
 * day, then the user name, so the same inputs always choose the same person.
 */
import type { GeoPoint } from './field.js';
import { distanceKm } from './geo.js';

export interface DispatchCandidate {
  username: string;
  name: string;
  disabled: boolean;
  skills: string[];
  /** Where the trip starts: the last visit today or the home base; null when unknown. */
  location: GeoPoint | null;
  jobsToday: number;
  maxJobsPerDay: number;
  /** sku → quantity free (not reserved) in the van. */
  van: Record<string, number>;
}

export interface PartNeed {
  sku: string;
  quantity: number;
}

export interface DispatchRequest {
  requiredSkills: string[];
  location: GeoPoint | null;
  parts: PartNeed[];
  /** sku → free quantity in any warehouse (for "nearest warehouse has it"). */
  warehouses: Record<string, number>;
  /** Names left out whatever their score (those who declined this visit). */
  excluded: string[];
}

export interface ScoredCandidate {
  username: string;
  name: string;
  eligible: boolean;
  score: number;
  distanceKm: number | null;
  jobsToday: number;
  partsInVan: boolean;
  /** Each criterion in words, as shown on the ticket ("has heating skill", "4.2 km"…). */
  reasons: string[];
}

export interface DispatchDecision {
  candidates: ScoredCandidate[];
  /** The winner's user name; null when nobody is eligible. */
  chosen: string | null;
  /** Why nobody could be chosen (empty when someone was). */
  reason: string;
}

const WEIGHT = { distance: 40, load: 30, parts: 30 } as const;
/** Beyond this the distance criterion scores nothing (the trip is a day's work). */
const MAX_KM = 100;

const norm = (skill: string) => skill.trim().toLowerCase();

export function scoreCandidates(request: DispatchRequest, candidates: DispatchCandidate[]): DispatchDecision {
  const required = [...new Set(request.requiredSkills.map(norm).filter(Boolean))];
  const scored = candidates.map((candidate) => score(candidate, request, required));
  scored.sort(
    (a, b) =>
      Number(b.eligible) - Number(a.eligible) || b.score - a.score || (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) || a.jobsToday - b.jobsToday || a.username.localeCompare(b.username),
  );
  const winner = scored.find((candidate) => candidate.eligible) ?? null;
  return {
    candidates: scored,
    chosen: winner?.username ?? null,
    reason: winner ? '' : nobodyReason(candidates.length, required),
  };
}

function score(candidate: DispatchCandidate, request: DispatchRequest, required: string[]): ScoredCandidate {
  const reasons: string[] = [];
  const skills = new Set(candidate.skills.map(norm));
  const missing = required.filter((skill) => !skills.has(skill));
  let eligible = true;
  if (candidate.disabled) {
    eligible = false;
    reasons.push('account disabled');
  }
  if (request.excluded.includes(candidate.username)) {
    eligible = false;
    reasons.push('declined this visit');
  }
  if (missing.length) {
    eligible = false;
    reasons.push(`lacks ${missing.join(', ')} skill`);
  } else if (required.length) {
    reasons.push(`has ${required.join(', ')} skill`);
  }
  const full = candidate.jobsToday >= candidate.maxJobsPerDay;
  if (full) {
    eligible = false;
    reasons.push(`fully booked (${candidate.jobsToday} of ${candidate.maxJobsPerDay} jobs today)`);
  } else {
    reasons.push(`${candidate.jobsToday} ${candidate.jobsToday === 1 ? 'job' : 'jobs'} today`);
  }

  const km = candidate.location && request.location ? distanceKm(candidate.location, request.location) : null;
  reasons.push(km === null ? 'distance unknown' : `${km.toFixed(1)} km`);
  const distancePoints = km === null ? WEIGHT.distance / 2 : WEIGHT.distance * (1 - Math.min(km, MAX_KM) / MAX_KM);
  const loadPoints = WEIGHT.load * (1 - Math.min(candidate.jobsToday, candidate.maxJobsPerDay) / Math.max(1, candidate.maxJobsPerDay));

  const needs = request.parts.filter((part) => part.quantity > 0);
  const inVan = needs.every((part) => (candidate.van[part.sku] ?? 0) >= part.quantity);
  let partsPoints: number = WEIGHT.parts;
  if (needs.length) {
    if (inVan) {
      reasons.push(`${needs.map((part) => part.sku).join(', ')} in van`);
    } else {
      const inWarehouse = needs.every((part) => (candidate.van[part.sku] ?? 0) + (request.warehouses[part.sku] ?? 0) >= part.quantity);
      partsPoints = inWarehouse ? WEIGHT.parts / 2 : 0;
      reasons.push(inWarehouse ? 'parts from the warehouse' : 'parts not in stock');
    }
  }
  const total = Math.round((distancePoints + loadPoints + partsPoints) * 10) / 10;
  return {
    username: candidate.username,
    name: candidate.name,
    eligible,
    score: eligible ? total : 0,
    distanceKm: km === null ? null : Math.round(km * 10) / 10,
    jobsToday: candidate.jobsToday,
    partsInVan: needs.length === 0 || inVan,
    reasons,
  };
}

function nobodyReason(count: number, required: string[]): string {
  if (count === 0) return 'no technicians exist';
  return required.length ? `no available technician has the ${required.join(', ')} skill` : 'every technician is unavailable or fully booked';
}

import type { GeoPoint } from './field.js';

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km (haversine): good to a few metres over a city, plenty for ranking. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Average road speed for an ETA from straight-line distance (roads are ~1.3× longer than the line). */
export const ROAD_FACTOR = 1.3;
export const AVERAGE_KMH = 40;

/** Minutes to drive a straight-line distance, rounded up; at least 5 (parking, finding the door). */
export function etaMinutes(km: number): number {
  return Math.max(5, Math.ceil(((km * ROAD_FACTOR) / AVERAGE_KMH) * 60));
}

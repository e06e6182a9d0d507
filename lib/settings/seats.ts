/** Share of the cap from which KaseyaOne Settings warns that it is nearly used up. */
export const NEAR_CAP = 0.8;

/** The warning KaseyaOne Settings shows for the seat count, or null while far from the cap. */
export function seatWarning(used: number, cap: number | null): { level: 'full' | 'near'; message: string } | null {
  if (cap === null) return null;
  if (used >= cap) return { level: 'full', message: 'The cap is reached: new people are refused at login (seat_limit_reached) until you raise it.' };
  if (used < Math.ceil(cap * NEAR_CAP)) return null;
  const left = cap - used;
  return { level: 'near', message: `Nearly at the cap: ${left} automatic ${left === 1 ? 'creation is' : 'creations are'} left.` };
}

import { describe, expect, it } from 'vitest';
import { seatWarning } from './seats';

describe('seat warning (seed 000: new users "could result in additional charges in your KaseyaOne invoice")', () => {
  it('none without a cap or far from it; "nearly" from 80 %; "reached" at or past the cap', () => {
    expect(seatWarning(500, null)).toBeNull();
    expect(seatWarning(7, 10)).toBeNull();
    expect(seatWarning(8, 10)).toEqual({ level: 'near', message: 'Nearly at the cap: 2 automatic creations are left.' });
    expect(seatWarning(4, 5)).toEqual({ level: 'near', message: 'Nearly at the cap: 1 automatic creation is left.' });
    expect(seatWarning(10, 10)?.level).toBe('full');
    expect(seatWarning(12, 10)?.message).toMatch(/^The cap is reached/);
    expect(seatWarning(0, 1)).toBeNull();
  });
});

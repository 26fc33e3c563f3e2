import { describe, it, expect } from 'vitest';
import { PROFILE_LIMITS, clampProfile } from '../../src/rank/limits.js';
import { profile } from '../helpers/rank-factories.js';

describe('profile limits', () => {
  it('clamps what the ranker is given to the limits', () => {
    const p = clampProfile(profile({
      keywords: Array.from({ length: 5000 }, (_, i) => `k${i}`), about: 'x'.repeat(1 << 20), papers: ['2406.01234', 'nope'],
    }));
    expect(p.keywords).toHaveLength(PROFILE_LIMITS.keywords);
    expect(p.about).toHaveLength(PROFILE_LIMITS.aboutLength);
    expect(p.papers).toEqual(['2406.01234']);
  });
});

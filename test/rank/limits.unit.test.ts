import { describe, it, expect } from 'vitest';
import { PROFILE_LIMITS, clampProfile, validateProfile } from '../../src/rank/limits.js';
import { profile } from '../helpers/rank-factories.js';

describe('profile limits', () => {
  it('accepts a reasonable profile', () => {
    expect(validateProfile(profile({ keywords: ['diffusion', 'image editing'], categories: ['cs.CV'], papers: ['2406.01234', 'hep-th/9901001v2'] }))).toEqual([]);
  });

  it('names each field that breaks a limit', () => {
    const problems = validateProfile({
      keywords: Array.from({ length: 5000 }, (_, i) => `k${i}`),
      about: 'x'.repeat(1 << 20),
      papers: ['2406.01234', '../../etc/passwd'],
      categories: ['<script>'],
      authors: ['a'.repeat(500)],
    });
    expect(problems.map((p) => p.field).sort()).toEqual(['about', 'authors', 'categories', 'keywords', 'papers']);
    expect(problems.find((p) => p.field === 'keywords')!.message).toBe('at most 50 keywords (got 5000)');
  });

  it('clamps what the ranker is given to the limits', () => {
    const p = clampProfile(profile({
      keywords: Array.from({ length: 5000 }, (_, i) => `k${i}`), about: 'x'.repeat(1 << 20), papers: ['2406.01234', 'nope'],
    }));
    expect(p.keywords).toHaveLength(PROFILE_LIMITS.keywords);
    expect(p.about).toHaveLength(PROFILE_LIMITS.aboutLength);
    expect(p.papers).toEqual(['2406.01234']);
  });
});

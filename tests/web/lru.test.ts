// The bounded cache behind query variants, archives and story pages.
import { describe, expect, it } from 'vitest';
import { Lru } from '../../src/web/lru.js';

describe('Lru', () => {
  it('evicts the least recently used entry past its entry bound', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect([lru.get('a'), lru.get('c'), lru.size]).toEqual([1, 3, 2]);
  });

  it('evicts past its byte bound, but always keeps the newest entry', () => {
    const lru = new Lru<string, string>(10, 10, (v) => v.length);
    lru.set('a', 'xxxx');
    lru.set('b', 'xxxx');
    lru.set('c', 'xxxx');
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([undefined, 'xxxx', 'xxxx']);
    lru.set('big', 'x'.repeat(50));
    expect(lru.size).toBe(1);
    expect(lru.get('big')).toHaveLength(50);
    lru.set('big', 'y');
    expect(lru.get('big')).toBe('y');
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BandAllocator, ipBandOffset, portBandOffset } from './band-allocator.js';

describe('band offsets', () => {
  const ipCases: Array<[string, number, number]> = [
    ['/28 is not split', 16, 0],
    ['/27 gets the minimum', 32, 16],
    ['/24 (KEP-3070 example)', 256, 16],
    ['/20', 4096, 256],
    ['/16', 65536, 256],
    ['/12 (kubito default)', 2 ** 20, 256],
  ];
  for (const [name, size, want] of ipCases) test(`ClusterIP ${name}`, () => assert.equal(ipBandOffset(size), want));

  const portCases: Array<[string, number, number]> = [
    ['30000-32767 (default)', 2768, 86],
    ['20000-32767', 12768, 128],
    ['32567-32767', 201, 16],
    ['16 ports are not split', 16, 0],
    ['17 ports get the minimum', 17, 16],
  ];
  for (const [name, size, want] of portCases) test(`NodePort ${name}`, () => assert.equal(portBandOffset(size), want));
});

describe('BandAllocator', () => {
  test('dynamic allocation takes the upper band first, then the lower', () => {
    const a = new BandAllocator(1, 20, { offset: 5, random: () => 0 });
    const got: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = a.allocateNext('o');
      assert.ok(r.ok);
      got.push(r.value);
    }
    assert.deepEqual(got.slice(0, 15), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    assert.deepEqual(got.slice(15), [1, 2, 3, 4, 5]);
    assert.deepEqual(a.allocateNext('o'), { ok: false, reason: 'full' });
  });

  test('the scan starts at a random point and wraps', () => {
    const a = new BandAllocator(1, 20, { offset: 5, random: () => 0.99 });
    assert.deepEqual(a.allocateNext('o'), { ok: true, value: 20 });
    assert.deepEqual(a.allocateNext('o'), { ok: true, value: 6 });
  });

  test('a specific value: taken, out of range, or granted', () => {
    const a = new BandAllocator(100, 110, { offset: 0 });
    assert.deepEqual(a.allocate(105, 'a'), { ok: true, value: 105 });
    assert.deepEqual(a.allocate(105, 'a'), { ok: false, reason: 'taken' });
    assert.deepEqual(a.allocate(105, 'b'), { ok: false, reason: 'taken' });
    assert.deepEqual(a.allocate(99, 'a'), { ok: false, reason: 'out-of-range' });
    assert.deepEqual(a.allocate(111, 'a'), { ok: false, reason: 'out-of-range' });
  });

  test('only the owner releases a value', () => {
    const a = new BandAllocator(1, 10, { offset: 0 });
    a.allocate(3, 'a');
    assert.equal(a.release(3, 'b'), false);
    assert.equal(a.ownerOf(3), 'a');
    assert.equal(a.release(3, 'a'), true);
    assert.equal(a.release(3, 'a'), false);
    assert.equal(a.has(3), false);
  });

  test('ownedBy lists an owner\'s values; peekNext takes nothing', () => {
    const a = new BandAllocator(1, 10, { offset: 0, random: () => 0 });
    a.allocate(2, 'a');
    a.allocate(4, 'a');
    a.allocate(5, 'b');
    assert.deepEqual(a.ownedBy('a').sort(), [2, 4]);
    assert.deepEqual(a.ownedBy('c'), []);
    assert.equal(a.peekNext(), 1);
    assert.equal(a.used, 3);
  });
});

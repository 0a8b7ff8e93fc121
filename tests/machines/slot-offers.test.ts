import { describe, expect, it } from 'vitest';
import { computeSlotOffers, slotLabel, zonedTimeToUtc } from '../../src/machines/lead/slot-offers.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { testIso } from '../helpers/test-clock.ts';

function studioWith(overrides: Record<string, unknown>) {
  const input = JSON.parse(JSON.stringify(demoStudioInput)) as { studios: Record<string, unknown>[] };
  Object.assign(input.studios[0]!, overrides);
  return parseStudioConfig(input).studios[0]!;
}

describe('slot offers from weekly availability', () => {
  const london = studioWith({});

  it('offers the next free slots after `at`, in the studio time zone', () => {
    const offers = computeSlotOffers(london, testIso('2026-11-23T16:30:00.000Z'), []);
    expect(offers.map((o) => o.start)).toEqual([
      testIso('2026-11-23T17:00:00.000Z'),
      testIso('2026-11-24T10:00:00.000Z'),
      testIso('2026-11-24T11:00:00.000Z'),
    ]);
    expect(offers[0]?.end).toBe(testIso('2026-11-23T18:00:00.000Z'));
  });

  it('skips slots known to be taken and wraps to the next week', () => {
    const offers = computeSlotOffers(london, testIso('2026-11-24T15:00:00.000Z'), [
      testIso('2026-11-24T16:00:00.000Z'),
    ]);
    expect(offers.map((o) => o.start)).toEqual([
      testIso('2026-11-24T17:00:00.000Z'),
      testIso('2026-11-30T10:00:00.000Z'),
      testIso('2026-11-30T11:00:00.000Z'),
    ]);
  });

  it('follows daylight saving time (London in summer is UTC+1)', () => {
    const offers = computeSlotOffers(london, '2026-06-01T00:00:00.000Z', []);
    expect(offers[0]?.start).toBe('2026-06-01T09:00:00.000Z');
    expect(slotLabel(offers[0]!, 'Europe/London')).toBe('Mon 1 Jun, 10:00');
  });

  it('works far from UTC (a Monday in Auckland starts on Sunday UTC)', () => {
    const auckland = studioWith({ timezone: 'Pacific/Auckland' });
    const offers = computeSlotOffers(auckland, testIso('2026-11-22T00:00:00.000Z'), []);
    // Mon 23 Nov 10:00 NZDT (UTC+13) = Sun 22 Nov 21:00 UTC.
    expect(offers[0]?.start).toBe(testIso('2026-11-22T21:00:00.000Z'));
  });

  it('converts wall-clock times to UTC across a DST change', () => {
    const date = { year: 2026, month: 3, day: 29 };
    expect(new Date(zonedTimeToUtc(date, 60 * 12, 'Europe/London')).toISOString()).toBe(
      '2026-03-29T11:00:00.000Z',
    );
  });

  it('returns nothing when the studio has no availability', () => {
    const closed = studioWith({ availability: { weekly: {}, slotMinutes: 60, slotsOffered: 3 } });
    expect(computeSlotOffers(closed, testIso('2026-11-23T09:00:00.000Z'), [])).toEqual([]);
  });
});

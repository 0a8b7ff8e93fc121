// Numbered slot offers computed purely from the studio's weekly availability in its own time zone: the
// next `slotsOffered` free slots of `slotMinutes` that start after `at`, skipping slots known to be taken.
// Time zone arithmetic uses Intl (deterministic: no clock is read), so DST changes are respected.
import type { Studio } from '../../studio/studio-schema.ts';
import type { Slot } from './lead-context.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How far ahead to look for free slots (days from the studio's today). */
export const HORIZON_DAYS = 56;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Intl formatters are costly to build: one per (purpose, time zone). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions & { timeZone: string }) {
  const key = `${locale}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, cached);
  }
  return cached;
}

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  return formatter('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
}

/** Wall-clock fields of an instant in a time zone. */
function wallClock(instantMs: number, timeZone: string) {
  const fields: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instantMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? 1970,
    month: fields.month ?? 1,
    day: fields.day ?? 1,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
  };
}

function offsetMs(instantMs: number, timeZone: string): number {
  const w = wallClock(instantMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return asUtc - Math.floor(instantMs / MINUTE_MS) * MINUTE_MS;
}

/** The instant at which a wall-clock time happens in a time zone (the later offset wins in a DST gap). */
export function zonedTimeToUtc(
  date: { year: number; month: number; day: number },
  minutes: number,
  timeZone: string,
): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day) + minutes * MINUTE_MS;
  const first = guess - offsetMs(guess, timeZone);
  const second = guess - offsetMs(first, timeZone);
  return second;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function computeSlotOffers(studio: Studio, at: string, taken: readonly string[]): Slot[] {
  const { weekly, slotMinutes, slotsOffered } = studio.availability;
  const atMs = Date.parse(at);
  const takenMs = new Set(taken.map((t) => Date.parse(t)));
  const today = wallClock(atMs, studio.timezone);
  const offers: Slot[] = [];
  for (let d = 0; d < HORIZON_DAYS && offers.length < slotsOffered; d++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day) + d * DAY_MS);
    const date = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
    const intervals = [...(weekly[WEEKDAYS[day.getUTCDay()] ?? 'sun'] ?? [])].sort(
      (a, b) => toMinutes(a.start) - toMinutes(b.start),
    );
    for (const interval of intervals) {
      const end = toMinutes(interval.end);
      for (let m = toMinutes(interval.start); m + slotMinutes <= end; m += slotMinutes) {
        const startMs = zonedTimeToUtc(date, m, studio.timezone);
        if (startMs <= atMs || takenMs.has(startMs)) continue;
        offers.push({
          start: new Date(startMs).toISOString(),
          end: new Date(startMs + slotMinutes * MINUTE_MS).toISOString(),
        });
        if (offers.length >= slotsOffered) return offers;
      }
    }
  }
  return offers;
}

/** "Mon 23 Nov, 10:00" in the studio's time zone (short enough for a WhatsApp button title). */
export function slotLabel(slot: Slot, timeZone: string): string {
  return formatter('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(Date.parse(slot.start));
}

// Wall-clock readings of an instant in a studio's timezone. Campaign days, birthdays and schedules are
// studio-local: a London studio's "today" starts at its midnight, not UTC's.
const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface LocalReading {
  /** YYYY-MM-DD */
  day: string;
  /** MM-DD */
  monthDay: string;
  /** Minutes since local midnight. */
  minuteOfDay: number;
}

export function localReading(now: Date, timeZone: string): LocalReading {
  const parts = Object.fromEntries(
    partsFormatter(timeZone)
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const { year = '', month = '', day = '', hour = '0', minute = '0' } = parts;
  return {
    day: `${year}-${month}-${day}`,
    monthDay: `${month}-${day}`,
    minuteOfDay: Number(hour) * 60 + Number(minute),
  };
}

/** "HH:MM" → minutes since midnight. */
export function minutesOf(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

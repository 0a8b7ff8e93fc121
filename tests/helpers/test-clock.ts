// The fixed clocks of the time-dependent suites (conversations start Mon 23 Nov 2026, 09:00 London) can be
// moved far from the wall clock with LEADLINE_TEST_CLOCK_OFFSET=+11y or -11y, so code that reads the
// database's now() or the process's clock where it should read the injected one fails at once instead of
// on the week the suite stops matching the calendar (issue 12). The offset is a whole number of years to a
// year with 2026's calendar (same weekday on 1 January, not a leap year: 2015, 2037, 2043…), so weekdays,
// local times and the golden transcripts' slot labels ("Mon 23 Nov, 10:00") stay the same.
const YEAR_MS_BASE = Date.UTC(2026, 0, 1);

function parseOffset(raw: string | undefined): number {
  if (raw === undefined || raw === '' || raw === '0') return 0;
  const match = /^([+-]?\d+)y$/.exec(raw.trim());
  const years = match ? Number(match[1]) : NaN;
  const year = 2026 + years;
  const sameCalendar =
    Number.isInteger(years) &&
    new Date(Date.UTC(year, 0, 1)).getUTCDay() === new Date(YEAR_MS_BASE).getUTCDay() &&
    new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 2;
  if (!sameCalendar) {
    throw new Error(
      `LEADLINE_TEST_CLOCK_OFFSET=${raw}: use a whole number of years to a year with 2026's calendar, e.g. +11y or -11y`,
    );
  }
  return Date.UTC(year, 0, 1) - YEAR_MS_BASE;
}

export const TEST_CLOCK_OFFSET_MS = parseOffset(process.env['LEADLINE_TEST_CLOCK_OFFSET']);

/** A fixed test time written as its 2026 date, moved by LEADLINE_TEST_CLOCK_OFFSET (ISO string). */
export function testIso(iso2026: string): string {
  return new Date(Date.parse(iso2026) + TEST_CLOCK_OFFSET_MS).toISOString();
}

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isNoneAnswer, parseSlotChoice } from '../../src/machines/parsers/index.ts';
import { ORDINALS } from '../../src/machines/parsers/slot-choice.ts';

describe('isNoneAnswer', () => {
  it.each([
    'none',
    'None.',
    'no',
    'No!',
    'nope',
    'nah',
    'no references',
    'No reference images',
    'nothing',
    'n/a',
    'N/A',
    'na',
    'none yet',
    'no thanks',
    "I don't have any",
    'not really',
  ])('%j is none', (text) => {
    expect(isNoneAnswer(text)).toBe(true);
  });

  it.each(['', 'a rose', 'no idea, a rose maybe', 'nothing too big', 'nonetheless a dragon', 'know', 'noon'])(
    '%j is not none',
    (text) => {
      expect(isNoneAnswer(text)).toBe(false);
    },
  );
});

describe('parseSlotChoice', () => {
  it.each([
    ['2', 2],
    ['option 2', 2],
    ['Option 2 please', 2],
    ['the second', 2],
    ['the second one', 2],
    ['second one', 2],
    ['#2', 2],
    ['2nd', 2],
    ['2.', 2],
    ['two', 2],
    ['option one', 1],
    ['1', 1],
    ['the first one please', 1],
    ["I'll take 3", 3],
    ['third', 3],
  ])('%j → %s of 3', (text, choice) => {
    expect(parseSlotChoice(text, 3)).toBe(choice);
  });

  it.each([
    '4',
    '0',
    'fourth',
    'option 5',
    '2pm',
    '1 or 2',
    'none of them',
    'can I do Friday instead',
    '',
    'maybe 2 next week',
  ])('no choice of 3 in %j', (text) => {
    expect(parseSlotChoice(text, 3)).toBeNull();
  });

  it('needs at least one offer', () => {
    expect(parseSlotChoice('1', 0)).toBeNull();
    expect(parseSlotChoice('1', Number.NaN)).toBeNull();
    expect(parseSlotChoice('1', 1)).toBe(1);
  });

  const suffix = (n: number) => (n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th');
  test.prop(
    [
      fc
        .integer({ min: 1, max: 10 })
        .chain((offered) => fc.tuple(fc.constant(offered), fc.integer({ min: 1, max: offered }))),
      fc.constantFrom(
        (n: number) => String(n),
        (n: number) => `#${n}`,
        (n: number) => `option ${n}`,
        (n: number) => `${n}${suffix(n)}`,
        (n: number) => `the ${ORDINALS[n - 1]!} one please`,
        (n: number) => `I'll take ${n}`,
      ),
    ],
    { numRuns: 200 },
  )('a choice written in any supported notation gives its 1-based index', ([offered, choice], format) => {
    expect(parseSlotChoice(format(choice), offered)).toBe(choice);
  });

  test.prop([fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 20 })], { numRuns: 100 })(
    'a number beyond the offers is never a choice',
    (offered, extra) => {
      expect(parseSlotChoice(String(offered + extra), offered)).toBeNull();
    },
  );
});

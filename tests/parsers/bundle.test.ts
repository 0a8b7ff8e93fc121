import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { looksLikeBundle } from '../../src/machines/parsers/index.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';

// The demo studio's styles, the list a real lead is matched against.
const styles = demoStudioInput.studios[0].styles;
const context = { styles };

// Generators of single answers, one per question kind, in the notations leads use.
// 5 to 100 of any unit: 5 mm is the smallest side accepted, 100 inches is still under the 300 cm cap.
const size = fc.integer({ min: 5, max: 100 });
const dimensionsAnswer = fc
  .tuple(
    size,
    size,
    fc.constantFrom('cm', ' cm', '', 'mm', 'in', '"'),
    fc.constantFrom('x', ' x ', '×', ' by '),
  )
  .map(([w, h, unit, sep]) => `${w}${unit === '"' ? '"' : ''}${sep}${h}${unit}`);
const moneyAnswer = fc
  .tuple(
    fc.integer({ min: 1, max: 20_000 }),
    fc.constantFrom(
      '£{n}',
      '{n} GBP',
      '{n} pounds',
      '${n}-{m}',
      'around {n} euros',
      '€{n}',
      '{n}',
      '£{n} max',
      'up to {n}',
    ),
  )
  .map(([n, template]) => template.replace('{n}', String(n)).replace('{m}', String(n + 100)));
const styleAnswer = fc
  .tuple(fc.constantFrom(...styles), fc.constantFrom('{s}', 'I like {s}', '{s} please', '{s} style'))
  .map(([style, template]) => template.replace('{s}', style));
const placementAnswer = fc
  .constantFrom('forearm', 'upper arm', 'ribs', 'back of my neck', 'left shoulder', 'ankle', 'inner wrist')
  .map((place) => `on my ${place}`);
const ideaAnswer = fc.constantFrom(
  'a rose on my forearm',
  'a small swallow',
  "my dog's portrait",
  'about 15cm tall',
  'a wolf howling at the moon',
);

describe('looksLikeBundle', () => {
  it.each([
    '10x15cm, realism, £300',
    '10x15cm realism £300',
    '10x15cm, realism',
    'realism, £300',
    '10x15cm on my forearm',
    'forearm, realism',
    'forearm and fine line, 4x6in',
    'about 10x15cm, budget around 500 euros',
    '£300 for my back piece',
    'lower back, blackwork',
  ])('%j is a bundle', (text) => {
    expect(looksLikeBundle(text, context)).toBe(true);
  });

  it.each([
    '10x15cm',
    'about 15cm tall',
    '£300 max',
    '$250-400',
    'a rose on my forearm',
    'a realism rose on my forearm',
    'I like blackwork',
    '4"x6"',
    'no references',
    "£300, can't go higher, I'll get back to you",
    'on the other hand, £300 is my limit',
    'fine line on my wrist',
    '',
  ])('%j is not a bundle', (text) => {
    expect(looksLikeBundle(text, context)).toBe(false);
  });

  test.prop([fc.oneof(dimensionsAnswer, moneyAnswer, styleAnswer, placementAnswer, ideaAnswer)], {
    numRuns: 300,
  })('a single answer is never taken for a bundle', (answer) => {
    expect(looksLikeBundle(answer, context)).toBe(false);
  });

  const explicitMoney = moneyAnswer.filter((m) => /[£$€]|gbp|pounds|euros/.test(m));
  test.prop(
    [
      fc.tuple(dimensionsAnswer, explicitMoney, styleAnswer, placementAnswer),
      fc.shuffledSubarray([0, 1, 2, 3], { minLength: 2 }).filter((kinds) => kinds.some((k) => k < 2)),
      fc.constantFrom(', ', '; ', '\n', ' '),
    ],
    { numRuns: 200 },
  )('a size or budget together with another kind of answer is a bundle', (answers, kinds, separator) => {
    const text = kinds.map((kind) => answers[kind]).join(separator);
    expect(looksLikeBundle(text, context)).toBe(true);
  });
});

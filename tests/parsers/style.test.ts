import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { matchStyle } from '../../src/machines/parsers/index.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';

// The demo studio's styles, the list a real lead is matched against.
const styles = demoStudioInput.studios[0].styles;

describe('matchStyle', () => {
  it.each([
    ['realism', 'realism'],
    ['Realism!', 'realism'],
    ['REALISM', 'realism'],
    ['realisim', 'realism'],
    ['relism', 'realism'],
    ['neo traditional', 'neo-traditional'],
    ['Neo-Trad', null],
    ['neotraditional', 'neo-traditional'],
    ['traditional', 'traditional'],
    ['old school traditional please', 'traditional'],
    ['fine-line', 'fine line'],
    ['fineline', 'fine line'],
    ['Fine Line', 'fine line'],
    ['I like blackwork', 'blackwork'],
    ['black work', 'blackwork'],
    ['water color', 'watercolour'],
    ['watercolor', 'watercolour'],
    ['japanese style', 'japanese'],
    ['Japanese', 'japanese'],
    ['geometrik', 'geometric'],
    ['something cute', null],
    ['', null],
    ['not sure yet', null],
    ['a rose on my forearm', null],
    ['realistic', 'realism'],
    ['Realistic please', 'realism'],
    ['something realistic', 'realism'],
    ['realist', 'realism'],
    ['geometry', 'geometric'],
    ['real', null],
    ['really nice', null],
    ['reality', null],
    ['a real skull', null],
    ['comic', null],
    ['fancy', null],
    ['japan', null],
  ])('%j → %j', (text, expected) => {
    expect(matchStyle(text, styles)).toBe(expected);
  });

  it("returns the studio spelling, not the lead's", () => {
    expect(matchStyle('fine line', ['Fine-Line'])).toBe('Fine-Line');
  });

  it('does not forgive typos in short style names, where one edit makes another word', () => {
    expect(matchStyle('dots', ['dot'])).toBeNull();
    expect(matchStyle('dot', ['dot'])).toBe('dot');
  });

  it('matches a style by its word family only when the word carries a suffix', () => {
    expect(matchStyle('minimalistic', ['minimalism'])).toBe('minimalism');
    expect(matchStyle('minimalist', ['minimalism'])).toBe('minimalism');
    expect(matchStyle('sketchy', ['sketch'])).toBe('sketch');
    expect(matchStyle('minimal', ['minimalism'])).toBeNull();
    expect(matchStyle('tribalism', ['tribal'])).toBe('tribal');
  });

  it('finds nothing when the studio has no styles', () => {
    expect(matchStyle('realism', [])).toBeNull();
  });

  // A style as a lead might type it: any case, hyphens/spaces/nothing between words, inside a sentence.
  const typed = fc
    .tuple(
      fc.constantFrom(...styles),
      fc.constantFrom(' ', '-', '', '  '),
      fc.constantFrom('upper', 'lower', 'title'),
      fc.constantFrom('{s}', 'I like {s}', '{s} please!', 'probably {s} style', '"{s}"'),
    )
    .map(([style, joiner, casing, template]) => {
      const words = style.split(/[\s-]+/).join(joiner);
      const cased =
        casing === 'upper'
          ? words.toUpperCase()
          : casing === 'lower'
            ? words
            : words.replace(/\b\w/g, (c) => c.toUpperCase());
      return [style, template.replace('{s}', cased)] as const;
    });

  test.prop([typed], { numRuns: 200 })(
    'a style in any case or spacing, inside a sentence, matches itself',
    ([style, text]) => {
      expect(matchStyle(text, styles)).toBe(style);
    },
  );

  test.prop(
    [
      fc.constantFrom(...styles.filter((s) => s.replace(/\W/g, '').length >= 5)),
      fc.nat(),
      fc.constantFrom('x', 'q', 'z'),
    ],
    {
      numRuns: 200,
    },
  )('one typo inside a style of five letters or more still matches it', (style, position, letter) => {
    const at = 1 + (position % (style.length - 2));
    const typo = `${style.slice(0, at)}${letter}${style.slice(at + 1)}`;
    expect(matchStyle(typo, styles)).toBe(style);
  });
});

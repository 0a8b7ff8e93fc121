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

  it('finds nothing when the studio has no styles', () => {
    expect(matchStyle('realism', [])).toBeNull();
  });
});

// The style question as WhatsApp choices, for studios other than the demo's three buttons: a list when
// there are more options, plain text when they don't fit WhatsApp's limits, and how a tap is read.
import { describe, expect, it } from 'vitest';
import { outboundMessageSchema, type Effect, type OutboundMessage } from '../../src/domain/effects.ts';
import { graphMessageBody } from '../../src/effects/whatsapp/message-payload.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import type { StudioConfig } from '../../src/studio/studio-schema.ts';
import { LeadDriver } from './lead-driver.ts';

const base = demoStudioConfig.studios[0]!;

/** The demo studio with other styles; `options` undefined = the question offers every style. */
function studioWith(styles: string[], options?: string[]): StudioConfig {
  const questions = base.questions.map((q) =>
    q.id === 'style' ? { id: q.id, prompt: q.prompt, ...(options ? { options } : {}) } : q,
  );
  return { studios: [{ ...base, styles, questions }] };
}

/** A lead of that studio at the style question; returns the message that asked it. */
function askedStyle(config: StudioConfig): { driver: LeadDriver; asked: OutboundMessage } {
  const driver = new LeadDriver(config);
  for (const body of ['hi', 'A fox', 'forearm']) driver.text(body);
  const [send] = driver.text('10x15cm').filter(isSend);
  if (send === undefined) throw new Error('the style question was not sent');
  return { driver, asked: send.message };
}

type Send = Extract<Effect, { type: 'effect.message.send' }>;
const isSend = (e: Effect): e is Send => e.type === 'effect.message.send';

/** The demo studio's eight styles (its style question offers three of them). */
const EIGHT = [...base.styles];

describe('the style question as WhatsApp choices', () => {
  it('more than three options (here: every style, the default) become list rows the relay sends whole', () => {
    const { asked } = askedStyle(studioWith(EIGHT));
    expect(asked).toEqual({
      kind: 'interactive',
      body: `Which style? (${EIGHT.join(', ')})`,
      options: EIGHT.map((style) => ({ id: `style:${style}`, title: style })),
    });
    expect(outboundMessageSchema.safeParse(asked).success).toBe(true);
    const payload = graphMessageBody('+447700900123', asked) as {
      interactive: { type: string; action: { sections: { rows: { id: string; title: string }[] }[] } };
    };
    expect(payload.interactive.type).toBe('list');
    expect(payload.interactive.action.sections[0]?.rows.map((r) => r.title)).toEqual(EIGHT);
  });

  it('options that would not fit go as plain text with the same words, and typed answers still work', () => {
    const cases: [string, string[]][] = [
      ['a button title over 20 characters', ['realism', 'illustrative blackwork']],
      ['a list row title over 24 characters', [...EIGHT.slice(0, 4), 'illustrative neo-traditional']],
      ['more than 10 options', [...EIGHT, 'tribal', 'dotwork', 'lettering']],
      ['the same title twice', ['realism', 'Realism', 'blackwork']],
    ];
    for (const [why, styles] of cases) {
      const { driver, asked } = askedStyle(studioWith(styles));
      expect(asked, why).toEqual({ kind: 'text', text: `Which style? (${styles.join(', ')})` });
      driver.text(styles.at(-1) ?? '');
      expect(driver.context.answers.style, why).toBe(styles.at(-1));
    }
  });

  it('a list row of up to 24 characters fits where a button would not', () => {
    const styles = [...EIGHT.slice(0, 3), 'illustrative blackwork'];
    const { asked } = askedStyle(studioWith(styles));
    expect(asked.kind).toBe('interactive');
  });

  it('a tap is read by its id: the style as offered, whatever the title shows', () => {
    const { driver } = askedStyle(studioWith(EIGHT));
    driver.tap('style:neo-traditional', 'Neo Trad ✒');
    expect(driver.context.answers.style).toBe('neo-traditional');
  });

  it('a tap whose id is no longer offered (the config changed) is read by its title', () => {
    const { driver } = askedStyle(studioWith(EIGHT));
    driver.tap('style:old-school', 'traditional');
    expect(driver.context.answers.style).toBe('traditional');
  });

  it("the repair and the reminder carry the question's choices too", () => {
    const { driver } = askedStyle(studioWith(EIGHT));
    const [repair] = driver.text('something bold').filter(isSend);
    expect(repair?.message).toMatchObject({
      kind: 'interactive',
      body: `Sorry, I didn't recognise that style. Please pick one of: ${EIGHT.join(', ')}.`,
      options: EIGHT.map((style) => ({ id: `style:${style}`, title: style })),
    });
    driver.wait(12 * 3_600_000);
    const reminder = driver.effects.filter(isSend).at(-1)?.message;
    expect(reminder).toEqual({
      kind: 'interactive',
      body: `Just checking in!\n\nWhich style? (${EIGHT.join(', ')})`,
      options: EIGHT.map((style) => ({ id: `style:${style}`, title: style })),
    });
  });
});

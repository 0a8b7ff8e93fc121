// Templates go out in the lead's language when the studio has templates in it, else the studio's, with
// their body parameters filled from the lead as the studio's templateParams say (docs/go-live.md's bodies).
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/domain/effects.ts';
import { initialLeadContext } from '../../src/machines/lead/lead-context.ts';
import { templateLanguage, templateParams } from '../../src/machines/lead/template-params.ts';
import { demoStudioConfig, parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { HOUR, LEAD_PHONE, LeadDriver } from './lead-driver.ts';

const demo = demoStudioConfig.studios[0]!;

function withStudio(patch: Record<string, unknown>) {
  return parseStudioConfig({ studios: [{ ...demoStudioInput.studios[0], ...patch }] });
}

function templatesOf(effects: readonly Effect[]) {
  return effects.flatMap((e) =>
    e.type === 'effect.message.send' && e.message.kind === 'template' ? [e.message] : [],
  );
}

describe('template language', () => {
  it("is the lead's when the studio has templates in it, else the studio's", () => {
    const studio = withStudio({ language: 'en_GB', languages: ['en_GB', 'de', 'pt_BR'] }).studios[0]!;
    expect(templateLanguage(studio, 'de-AT')).toBe('de');
    expect(templateLanguage(studio, 'pt-br')).toBe('pt_BR');
    expect(templateLanguage(studio, 'fr')).toBe('en_GB');
    expect(templateLanguage(studio, null)).toBe('en_GB');
    // Without `languages` only the studio's own language is approved.
    expect(templateLanguage(demo, 'de')).toBe('en');
  });
});

describe('template body parameters', () => {
  it("are the lead's first name, the studio name and the deposit, with fallbacks for what is unknown", () => {
    const known = { ...initialLeadContext({ studioId: 'inkwell', phone: LEAD_PHONE }), name: 'Alex Rivera' };
    expect(templateParams('resume', demo, known)).toEqual(['Alex', 'Inkwell Tattoo']);
    expect(templateParams('deposit', demo, known)).toEqual(['Alex', 'Inkwell Tattoo', '£50.00']);
    const anonymous = initialLeadContext({ studioId: 'inkwell', phone: LEAD_PHONE });
    expect(templateParams('reminder', demo, anonymous)).toEqual(['there', 'Inkwell Tattoo']);

    const custom = withStudio({
      templateParams: {
        resume: [{ value: 'lead.name', fallback: 'du' }, 'slot'],
        reminder: [],
      },
    }).studios[0]!;
    expect(templateParams('resume', custom, anonymous)).toEqual(['du', 'soon']);
    expect(templateParams('resume', custom, known)).toEqual(['Alex Rivera', 'soon']);
    expect(templateParams('reminder', custom, known)).toEqual([]);
    const slot = { start: '2026-11-24T10:00:00.000Z', end: '2026-11-24T11:00:00.000Z' };
    const booked = { ...known, slots: { ...known.slots, booked: slot } };
    expect(templateParams('resume', custom, booked)[1]).toMatch(/24 Nov.*10:00/);
  });

  it('refuses an unknown value, naming the path and what is allowed', () => {
    expect(() => withStudio({ templateParams: { resume: ['lead.fistName'] } })).toThrow(
      /studios\[0\]\.templateParams\.resume\[0\]: expected one of lead\.name, lead\.firstName/,
    );
    expect(() => withStudio({ templateParams: { resumee: [] } })).toThrow(/did you mean "resume"/);
  });

  it('go out with the template the machine sends outside the window, in the lead’s language', () => {
    const d = new LeadDriver(withStudio({ languages: ['en', 'de'] }));
    d.send({
      type: 'message.received',
      channel: 'whatsapp',
      provider: 'meta',
      at: d.at,
      messageId: 'wamid.de',
      from: [{ type: 'phone', value: LEAD_PHONE }],
      profileName: 'Jonas Weber',
      language: 'de-DE',
      sentAt: d.at,
      content: { kind: 'text', text: 'hallo' },
    });
    d.advance(25 * HOUR);
    const sent = templatesOf(d.control({ type: 'message.send', text: 'Are you still there?' }));
    expect(sent).toEqual([
      { kind: 'template', name: 'leadline_resume', language: 'de', params: ['Jonas', 'Inkwell Tattoo'] },
    ]);
  });

  it("a lead whose language is unknown gets the studio's", () => {
    const d = new LeadDriver();
    d.text('hi');
    d.advance(25 * HOUR);
    const sent = templatesOf(d.control({ type: 'message.send', text: 'Are you still there?' }));
    expect(sent).toEqual([
      { kind: 'template', name: 'leadline_resume', language: 'en', params: ['Alex', 'Inkwell Tattoo'] },
    ]);
  });
});

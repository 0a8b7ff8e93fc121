// The templates' plain text for SMS (studio `templateBodies`): found by template name or the `templates` key
// naming it, per language with the studio's language as the fallback; a studio with SMS numbers is warned of
// each funnel template without text (in its language or its other languages); a bad
// language code or an empty body is refused with its path.
import { describe, expect, it } from 'vitest';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { missingSmsTemplateBodies, templateBody } from '../../src/studio/template-bodies.ts';
import { refusal } from './config-refusal.ts';

function studioWith(patch: Record<string, unknown>) {
  const studio = { ...(JSON.parse(JSON.stringify(demoStudioInput.studios[0])) as Record<string, unknown>) };
  const config = parseStudioConfig({ studios: [{ ...studio, ...patch }] });
  const [parsed] = config.studios;
  if (parsed === undefined) throw new Error('no studio');
  return parsed;
}

describe('template bodies', () => {
  it('found by name or by the templates key naming it; per language, else the studio language', () => {
    const studio = studioWith({
      languages: ['en', 'de'],
      templates: { campaigns: { birthday: 'birthday_offer' } },
      templateBodies: {
        leadline_resume: { en: 'Hi {{1}}', de: 'Hallo {{1}}' },
        reminder: 'Checking in, {{1}}',
        birthday: { en: 'Happy birthday {{1}}' },
      },
    });
    expect(templateBody(studio, 'leadline_resume', 'de')).toBe('Hallo {{1}}');
    expect(templateBody(studio, 'leadline_resume', 'en')).toBe('Hi {{1}}');
    expect(templateBody(studio, 'leadline_reminder', 'en')).toBe('Checking in, {{1}}');
    expect(templateBody(studio, 'leadline_reminder', 'de')).toBe('Checking in, {{1}}');
    expect(templateBody(studio, 'birthday_offer', 'de')).toBe('Happy birthday {{1}}');
    expect(templateBody(studio, 'leadline_deposit', 'en')).toBeUndefined();
    expect(templateBody(studio, 'unknown', 'en')).toBeUndefined();
  });

  it('an SMS studio is warned of each funnel template without text, in its language and its other languages', () => {
    const studio = studioWith({
      languages: ['en', 'de'],
      templateBodies: {
        leadline_resume: { en: 'Hi {{1}}', de: 'Hallo {{1}}' },
        leadline_reminder: 'Checking in, {{1}}',
      },
    });
    expect(missingSmsTemplateBodies(studio)).toEqual([
      {
        studioId: 'inkwell',
        path: 'templates.reminder',
        name: 'leadline_reminder',
        language: 'de',
        severity: 'warning',
        fallsBack: true,
      },
      {
        studioId: 'inkwell',
        path: 'templates.deposit',
        name: 'leadline_deposit',
        language: 'en',
        severity: 'warning',
        fallsBack: false,
      },
      {
        studioId: 'inkwell',
        path: 'templates.deposit',
        name: 'leadline_deposit',
        language: 'de',
        severity: 'warning',
        fallsBack: true,
      },
    ]);
    // Without SMS numbers none is needed; the demo studio has all three.
    expect(missingSmsTemplateBodies({ ...studio, sms: undefined })).toEqual([]);
    expect(missingSmsTemplateBodies(studioWith({}))).toEqual([]);
  });

  it('refuses an empty body or a language code that is not Meta’s, naming the path', () => {
    const base = JSON.parse(JSON.stringify(demoStudioInput.studios[0])) as Record<string, unknown>;
    expect(refusal({ studios: [{ ...base, templateBodies: { leadline_resume: '' } }] })).toContain(
      'studios[0].templateBodies.leadline_resume',
    );
    expect(
      refusal({ studios: [{ ...base, templateBodies: { leadline_resume: { 'en-GB': 'Hi' } } }] }),
    ).toContain('studios[0].templateBodies.leadline_resume');
  });
});

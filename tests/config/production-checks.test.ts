// What a production start refuses: the demo studio, and each secret a configured part cannot work without.
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { describeProblems, productionProblems } from '../../src/config/production-checks.ts';
import { demoStudioConfig, parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { withArtist } from '../studio/config-refusal.ts';
import type { StudioConfig } from '../../src/studio/studio-schema.ts';

const complete = {
  ADMIN_API_KEY: 'a',
  WHATSAPP_APP_SECRET: 'b',
  WHATSAPP_VERIFY_TOKEN: 'c',
  WHATSAPP_ACCESS_TOKEN: 'd',
  STRIPE_SECRET_KEY: 'sk_live_e',
  STRIPE_WEBHOOK_SECRET: 'whsec_f',
  ACTION_LINK_SECRET: 'g',
  PUBLIC_BASE_URL: 'https://leadline.example',
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'h',
};

describe('production checks', () => {
  it('a complete environment and a studio file of its own: nothing to refuse', () => {
    expect(productionProblems({ env: parseEnv(complete), config: demoStudioConfig, demo: false })).toEqual(
      [],
    );
  });

  it('the built-in demo studio is refused', () => {
    const problems = productionProblems({ env: parseEnv(complete), config: demoStudioConfig, demo: true });
    expect(problems.map((p) => p.name)).toEqual(['LEADLINE_CONFIG']);
    expect(describeProblems(problems)).toMatch(/demo studio/);
  });

  it.each(Object.keys(complete))('%s unset is named, with what needs it', (name) => {
    const env = parseEnv({ ...complete, [name]: '' });
    const problems = productionProblems({ env, config: demoStudioConfig, demo: false });
    expect(problems.map((p) => p.name)).toEqual([name]);
    const line = describeProblems(problems);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain(name);
  });

  it('one line groups the variables by what needs them', () => {
    const line = describeProblems(
      productionProblems({ env: parseEnv({}), config: demoStudioConfig, demo: true }),
    );
    expect(line).toContain('WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, WHATSAPP_ACCESS_TOKEN (WhatsApp)');
    expect(line).toContain('PUBLIC_BASE_URL (Stripe deposits, artist action links, Twilio SMS)');
    expect(line).toContain('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (Twilio SMS)');
    expect(line.split('\n')).toHaveLength(1);
  });

  it('each SMS provider a studio uses needs its own secrets, and only then', () => {
    const both: StudioConfig = {
      studios: demoStudioConfig.studios.map((studio) => ({
        ...studio,
        sms: [
          { provider: 'twilio' as const, number: '+15005550006' },
          { provider: 'openphone' as const, number: '+15005550007', phoneNumberId: 'PNabc123' },
        ],
      })),
    };
    const names = (config: StudioConfig, env = complete) =>
      productionProblems({ env: parseEnv(env), config, demo: false }).map((p) => p.name);
    expect(names(both)).toEqual(['OPENPHONE_API_KEY', 'OPENPHONE_WEBHOOK_SECRET']);
    const none = { studios: both.studios.map(({ sms: _sms, ...studio }) => studio) };
    expect(names(none, { ...complete, TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' })).toEqual([]);
  });
});

describe('artist email in production', () => {
  const emailing = parseStudioConfig(
    withArtist({ notify: ['whatsapp', 'email'], email: 'sam@inkwell.example' }, [
      { provider: 'twilio', number: '+15005550006' },
    ]),
  );

  it('needs SMTP_URL and EMAIL_FROM, named with what needs them', () => {
    const problems = productionProblems({ env: parseEnv(complete), config: emailing, demo: false });
    expect(describeProblems(problems)).toBe(
      'refusing to start in production: unset SMTP_URL, EMAIL_FROM (artist email notifications)',
    );
  });

  it('is ready with both set, and a studio without email needs neither', () => {
    const smtp = {
      ...complete,
      SMTP_URL: 'smtp://user:pass@mail.example:587',
      EMAIL_FROM: 'Inkwell <s@inkwell.example>',
    };
    expect(productionProblems({ env: parseEnv(smtp), config: emailing, demo: false })).toEqual([]);
    const whatsappOnly = parseStudioConfig(withArtist({}));
    expect(productionProblems({ env: parseEnv(complete), config: whatsappOnly, demo: false })).toEqual([]);
  });

  it.each([
    ['SMTP_URL', 'http://mail.example', 'SMTP_URL: expected a smtp:// or smtps:// URL'],
    ['EMAIL_FROM', 'not an address', 'EMAIL_FROM: expected an email address'],
  ])('a bad %s is refused by name', (name, value, message) => {
    expect(() => parseEnv({ [name]: value })).toThrow(message);
  });
});

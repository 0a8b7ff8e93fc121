// What a production start refuses: the demo studio, and each secret a configured part cannot work without.
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { describeProblems, productionProblems } from '../../src/config/production-checks.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';

const complete = {
  ADMIN_API_KEY: 'a',
  WHATSAPP_APP_SECRET: 'b',
  WHATSAPP_VERIFY_TOKEN: 'c',
  WHATSAPP_ACCESS_TOKEN: 'd',
  STRIPE_SECRET_KEY: 'sk_live_e',
  STRIPE_WEBHOOK_SECRET: 'whsec_f',
  ACTION_LINK_SECRET: 'g',
  PUBLIC_BASE_URL: 'https://leadline.example',
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
    expect(line).toContain('PUBLIC_BASE_URL (Stripe deposits, artist action links)');
    expect(line.split('\n')).toHaveLength(1);
  });
});

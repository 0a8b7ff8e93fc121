// The studio's `sms` numbers: validated with errors naming the path, unique across studios, and found by
// the gateway by number (Twilio `To`, OpenPhone `to`) or by OpenPhone's phoneNumberId.
import { describe, expect, it } from 'vitest';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { refusal } from './config-refusal.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';

type Input = { studios: Record<string, unknown>[] };

function withSms(...perStudio: unknown[]): Input {
  const studio = JSON.parse(JSON.stringify(demoStudioInput.studios[0])) as Record<string, unknown>;
  return {
    studios: perStudio.map((sms, i) => ({
      ...studio,
      id: `studio-${i}`,
      whatsapp: { phoneNumberId: String(110000000000001 + i) },
      sms,
    })),
  };
}

const twilio = { provider: 'twilio', number: '+15005550006' };
const openphone = { provider: 'openphone', number: '+15005550007', phoneNumberId: 'PNabc123' };

describe('studio sms configuration', () => {
  it('accepts a Twilio and an OpenPhone number', () => {
    const config = parseStudioConfig(withSms([twilio, openphone]));
    expect(config.studios[0]?.sms).toEqual([twilio, openphone]);
  });

  it('is optional: absent means SMS is off', () => {
    const { sms: _sms, ...studio } = withSms([twilio]).studios[0] ?? {};
    expect(parseStudioConfig({ studios: [studio] }).studios[0]?.sms).toBeUndefined();
  });

  it.each([
    [
      'an unknown provider',
      [{ ...twilio, provider: 'twillio' }],
      'studios[0].sms[0].provider: expected provider: twilio or provider: openphone',
    ],
    [
      'no provider',
      [{ number: '+15005550006' }],
      'studios[0].sms[0].provider: expected provider: twilio or provider: openphone',
    ],
    [
      'a number that is not E.164',
      [{ ...twilio, number: '5005550006' }],
      'studios[0].sms[0].number: expected an E.164 phone number',
    ],
    [
      'a Twilio entry with a phoneNumberId',
      [{ ...twilio, phoneNumberId: 'PNx' }],
      'studios[0].sms[0].phoneNumberId: unknown key',
    ],
    [
      'an OpenPhone entry without its id',
      [{ provider: 'openphone', number: '+15005550007' }],
      "studios[0].sms[0].phoneNumberId: missing: OpenPhone's id",
    ],
    [
      'a malformed OpenPhone id',
      [{ ...openphone, phoneNumberId: '123' }],
      'studios[0].sms[0].phoneNumberId: expected the OpenPhone phone number id',
    ],
    [
      'a misspelt key',
      [{ ...twilio, numbr: '+1' }],
      'studios[0].sms[0].numbr: unknown key (did you mean "number"?)',
    ],
    ['an empty list', [], 'studios[0].sms: list at least one number, or leave sms out'],
  ])('refuses %s, naming the path', (_name, sms, message) => {
    expect(refusal(withSms(sms))).toContain(message);
  });

  it('refuses a number or OpenPhone id used twice, in one studio or two', () => {
    expect(refusal(withSms([twilio, { ...openphone, number: twilio.number }]))).toContain(
      'studios[0].sms[1].number: duplicate SMS number "+15005550006" (also studios[0].sms[0])',
    );
    expect(refusal(withSms([openphone], [{ ...openphone, number: '+15005550008' }]))).toContain(
      'studios[1].sms[0].phoneNumberId: duplicate SMS phoneNumberId "PNabc123" (also studios[0].sms[0])',
    );
  });
});

describe('studio lookup by SMS number', () => {
  const registry = new StudioRegistry(parseStudioConfig(withSms([twilio], [openphone])));

  it('finds the studio and the entry by number', () => {
    expect(registry.bySmsNumber('+15005550006')).toMatchObject({ studio: { id: 'studio-0' }, entry: twilio });
    expect(registry.bySmsNumber('+15005550007')).toMatchObject({
      studio: { id: 'studio-1' },
      entry: openphone,
    });
    expect(registry.bySmsNumber('+15005550009')).toBeUndefined();
  });

  it('finds an OpenPhone number by its id, and nothing else by it', () => {
    expect(registry.byOpenPhoneNumberId('PNabc123')).toMatchObject({ studio: { id: 'studio-1' } });
    expect(registry.byOpenPhoneNumberId('+15005550006')).toBeUndefined();
  });
});

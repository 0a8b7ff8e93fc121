// `artists[].notify`: the channels an artist notification tries, in order. Default WhatsApp only; each
// channel named needs its address (an email, a studio SMS number), refused with the path otherwise (what
// production needs for email: tests/config/production-checks.test.ts).
import { describe, expect, it } from 'vitest';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { refusal, withArtist } from './config-refusal.ts';

const twilio = { provider: 'twilio', number: '+15005550006' };

describe('artists[].notify', () => {
  it('defaults to WhatsApp only (what the artist got before)', () => {
    expect(parseStudioConfig(withArtist({})).studios[0]?.artists[0]?.notify).toEqual(['whatsapp']);
  });

  it('keeps the order written, with the email and the studio SMS number it needs', () => {
    const config = parseStudioConfig(
      withArtist({ notify: ['whatsapp', 'sms', 'email'], email: 'sam@inkwell.example' }, [twilio]),
    );
    expect(config.studios[0]?.artists[0]).toMatchObject({
      notify: ['whatsapp', 'sms', 'email'],
      email: 'sam@inkwell.example',
    });
  });

  it.each([
    [
      'email without an address',
      { notify: ['whatsapp', 'email'] },
      undefined,
      "studios[0].artists[0].notify: notify: email needs the artist's email",
    ],
    [
      'sms without a studio SMS number',
      { notify: ['sms'] },
      undefined,
      'studios[0].artists[0].notify: notify: sms needs a studio SMS number to send from (studios[].sms)',
    ],
    [
      'an unknown channel',
      { notify: ['whatsapp', 'telegram'] },
      undefined,
      'studios[0].artists[0].notify[1]: expected one of whatsapp, sms, email',
    ],
    [
      'a channel twice',
      { notify: ['sms', 'sms'] },
      [twilio],
      'studios[0].artists[0].notify: each channel at most once',
    ],
    ['an empty list', { notify: [] }, undefined, 'studios[0].artists[0].notify: list at least one channel'],
    [
      'a malformed email',
      { notify: ['email'], email: 'sam at inkwell' },
      undefined,
      'studios[0].artists[0].email: expected an email address',
    ],
  ])('refuses %s, naming the path', (_what, artist, sms, message) => {
    expect(refusal(withArtist(artist, sms))).toContain(message);
  });
});

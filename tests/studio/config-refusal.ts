// The message a studio configuration is refused with (the test fails when it is accepted), and studios to
// refuse.
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';

export function refusal(value: unknown): string {
  try {
    parseStudioConfig(value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
}

/** The demo studio (without its SMS numbers unless `sms` is given) with one artist: Sam, plus `artist`. */
export function withArtist(artist: Record<string, unknown>, sms?: unknown[]): unknown {
  const { sms: _demoSms, ...studio } = JSON.parse(JSON.stringify(demoStudioInput.studios[0])) as Record<
    string,
    unknown
  >;
  const base = { id: 'sam', name: 'Sam Needle', whatsapp: '+447700900001' };
  return { studios: [{ ...studio, artists: [{ ...base, ...artist }], ...(sms ? { sms } : {}) }] };
}

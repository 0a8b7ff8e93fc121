// A studio file with many studios, each with its own WhatsApp number, Twilio SMS number and API key, so the
// per-number pacing (`whatsapp.messagesPerSecond`, default 80) is not what the bench measures:
// 128 × 80 = 10,240 sends/s. SMS numbers are paced at 1/s by default (a US long code): the bench's are set
// to the most the configuration allows, 1,000/s, so SMS pacing is not measured either.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';

const SMS_MESSAGES_PER_SECOND = 1_000;

export interface BenchStudio {
  id: string;
  phoneNumberId: string;
  /** The studio's Twilio number, E.164. */
  smsNumber: string;
  /** The studio's key for POST /api/messages. */
  apiKey: string;
}

export function benchStudios(count: number): BenchStudio[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `bench-${i}`,
    phoneNumberId: String(120_000_000_000_000 + i),
    smsNumber: `+1555${String(i).padStart(7, '0')}`,
    apiKey: `bench-api-key-${String(i).padStart(6, '0')}`,
  }));
}

/** Writes the studio file (JSON, read through the YAML parser) and returns its path. */
export async function writeStudioFile(dir: string, studios: readonly BenchStudio[]): Promise<string> {
  // The demo's SMS number is replaced: a number routes to one studio only.
  const { sms: _sms, ...template } = demoStudioInput.studios[0];
  const file = path.join(dir, 'bench-studios.json');
  const config = {
    studios: studios.map((s) => ({
      ...template,
      id: s.id,
      name: `Bench ${s.id}`,
      whatsapp: { phoneNumberId: s.phoneNumberId },
      sms: [{ provider: 'twilio', number: s.smsNumber, messagesPerSecond: SMS_MESSAGES_PER_SECOND }],
      apiKey: s.apiKey,
    })),
  };
  await writeFile(file, JSON.stringify(config));
  return file;
}

// A studio file with many studios (one WhatsApp number each) so the per-number pacing
// (`whatsapp.messagesPerSecond`, default 80) is not what the bench measures: 128 × 80 = 10,240 sends/s.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';

export interface BenchStudio {
  id: string;
  phoneNumberId: string;
}

export function benchStudios(count: number): BenchStudio[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `bench-${i}`,
    phoneNumberId: String(120_000_000_000_000 + i),
  }));
}

/** Writes the studio file (JSON, read through the YAML parser) and returns its path. */
export async function writeStudioFile(dir: string, studios: readonly BenchStudio[]): Promise<string> {
  // Without the demo's SMS number: a number routes to one studio only (the bench speaks WhatsApp).
  const { sms: _sms, ...template } = demoStudioInput.studios[0];
  const file = path.join(dir, 'bench-studios.json');
  const config = {
    studios: studios.map((s) => ({
      ...template,
      id: s.id,
      name: `Bench ${s.id}`,
      whatsapp: { phoneNumberId: s.phoneNumberId },
    })),
  };
  await writeFile(file, JSON.stringify(config));
  return file;
}

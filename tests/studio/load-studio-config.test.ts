import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import {
  demoStudioConfig,
  formatIssuePath,
  loadStudioConfig,
  StudioConfigError,
} from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-studio-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function clone(): { studios: Record<string, unknown>[] } {
  return JSON.parse(JSON.stringify(demoStudioInput)) as { studios: Record<string, unknown>[] };
}

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('loadStudioConfig', () => {
  it('loads YAML, parsing durations to milliseconds and defaulting omitted fields', async () => {
    const input = clone();
    const studio = input.studios[0]!;
    delete studio.templates;
    const file = await write('ok.yaml', stringify(input));
    const config = await loadStudioConfig(file);
    const loaded = config.studios[0]!;
    expect(loaded.id).toBe('inkwell');
    expect(loaded.timings.handoverCooldown).toBe(6 * 3_600_000);
    expect(loaded.deposit.expiresAfter).toBe(24 * 3_600_000);
    expect(loaded.templates.resume).toBe('leadline_resume');
    expect(loaded.questions.map((q) => q.id)).toEqual([
      'idea',
      'placement',
      'dimensions',
      'style',
      'reference_images',
      'budget',
    ]);
  });

  it('loads JSON and routes several studios by phoneNumberId', async () => {
    const input = clone();
    input.studios.push({
      ...input.studios[0],
      id: 'second',
      name: 'Second Studio',
      whatsapp: { phoneNumberId: '110000000000002' },
      // Every number routes to one studio: the second has an SMS number of its own.
      sms: [{ provider: 'twilio', number: '+15005550016' }],
    });
    const file = await write('two.json', JSON.stringify(input));
    const registry = new StudioRegistry(await loadStudioConfig(file));
    expect(registry.byPhoneNumberId('110000000000002')?.id).toBe('second');
    expect(registry.byPhoneNumberId('110000000000001')?.id).toBe('inkwell');
  });

  it('names the failing path, e.g. studios[0].deposit.amount', async () => {
    const input = clone();
    (input.studios[0]!.deposit as Record<string, unknown>).amount = -5;
    const file = await write('bad.yaml', stringify(input));
    await expect(loadStudioConfig(file)).rejects.toThrow(/studios\[0\]\.deposit\.amount/);
    await expect(loadStudioConfig(file)).rejects.toBeInstanceOf(StudioConfigError);
  });

  it('names nested array paths and bad durations', async () => {
    const input = clone();
    (input.studios[0]!.timings as Record<string, unknown>).staleAfter = 'soon';
    const file = await write('bad-duration.json', JSON.stringify(input));
    await expect(loadStudioConfig(file)).rejects.toThrow(
      /studios\[0\]\.timings\.staleAfter: expected a duration/,
    );
  });

  it('rejects duplicate phone number ids across studios', async () => {
    const input = clone();
    input.studios.push({ ...input.studios[0], id: 'other' });
    const file = await write('dup.json', JSON.stringify(input));
    await expect(loadStudioConfig(file)).rejects.toThrow(/studios\[1\]\.whatsapp\.phoneNumberId/);
  });

  it('fails clearly on an unreadable file or broken YAML', async () => {
    await expect(loadStudioConfig(path.join(dir, 'missing.yaml'))).rejects.toThrow(/Cannot read/);
    const file = await write('broken.yaml', 'studios: [ {');
    await expect(loadStudioConfig(file)).rejects.toThrow(/Cannot parse/);
  });

  it('serves the demo studio when no file is given or present', async () => {
    const config = await loadStudioConfig();
    expect(config).toBe(demoStudioConfig);
    const inkwell = config.studios[0]!;
    expect(inkwell.name).toBe('Inkwell Tattoo');
    expect(inkwell.whatsapp.phoneNumberId).toBe('110000000000001');
    expect(inkwell.questions).toHaveLength(6);
    expect(inkwell.deposit.amount).toBe(5000);
  });

  it('formats zod paths as studios[0].a.b', () => {
    expect(formatIssuePath(['studios', 0, 'deposit', 'amount'])).toBe('studios[0].deposit.amount');
    expect(formatIssuePath([])).toBe('(root)');
  });
});

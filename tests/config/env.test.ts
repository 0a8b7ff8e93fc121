// Every environment variable is checked at start, with one line naming it (not a stack trace later).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config/env.ts';

function refusal(env: Record<string, string>): string {
  try {
    parseEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('environment', () => {
  it.each([
    ['LEADLINE_RETRY_DELAYS', '1x'],
    ['LEADLINE_RETRY_DELAYS', '1m,,2m'],
    ['PORT', '1e3'],
    ['PORT', '70000'],
    ['LEADLINE_PARTITIONS', ''],
    ['LEADLINE_PARTITIONS', '0x10'],
    ['LEADLINE_STREAM_REPLICAS', 'three'],
    ['LEADLINE_LEASE_TIMEOUT', '500ms'],
    ['LEADLINE_PROBE_INTERVAL', 'often'],
    ['PUBLIC_BASE_URL', 'leadline.example'],
    ['PUBLIC_BASE_URL', 'ftp://leadline.example'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['NATS_URL', 'nats://a:4222,not a server'],
    ['LEADLINE_TRUST_PROXY', 'maybe'],
    ['LEADLINE_WORKER_ID', 'worker 1'],
    ['LOG_LEVEL', 'loud'],
  ])('%s=%j is refused naming the variable', (name, value) => {
    expect(refusal({ [name]: value })).toContain(name);
  });

  it('names every bad variable on the one line', () => {
    const message = refusal({ PORT: 'x', LEADLINE_RETRY_DELAYS: '1x' });
    expect(message).toContain('PORT');
    expect(message).toContain('LEADLINE_RETRY_DELAYS');
  });

  it('parses durations, numbers and URLs the same way as the studio file', () => {
    const env = parseEnv({
      PORT: ' 8080 ',
      LEADLINE_LEASE_TIMEOUT: '90s',
      LEADLINE_PROBE_INTERVAL: '0',
      LEADLINE_RETRY_DELAYS: '1s, 2m',
      NATS_URL: 'nats://a:4222,b:4222',
    });
    expect(env.PORT).toBe(8080);
    expect(env.LEADLINE_LEASE_TIMEOUT).toBe(90_000);
    expect(env.LEADLINE_PROBE_INTERVAL).toBe(0);
    expect(env.LEADLINE_RETRY_DELAYS).toBe('1s, 2m');
  });

  it('LEADLINE_TRUST_PROXY: off by default, true/false, hops, or proxy addresses', () => {
    expect(parseEnv({}).LEADLINE_TRUST_PROXY).toBe(false);
    expect(parseEnv({ LEADLINE_TRUST_PROXY: 'true' }).LEADLINE_TRUST_PROXY).toBe(true);
    expect(parseEnv({ LEADLINE_TRUST_PROXY: '2' }).LEADLINE_TRUST_PROXY).toBe(2);
    expect(parseEnv({ LEADLINE_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).LEADLINE_TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
  });

  it('SMS providers: a malformed Twilio account SID, API base or OpenPhone key is refused by name', () => {
    expect(refusal({ TWILIO_ACCOUNT_SID: 'AC123' })).toContain('TWILIO_ACCOUNT_SID');
    expect(refusal({ TWILIO_API_BASE_URL: 'not a url' })).toContain('TWILIO_API_BASE_URL');
    expect(refusal({ OPENPHONE_WEBHOOK_SECRET: 'not base64!' })).toContain('OPENPHONE_WEBHOOK_SECRET');
    const env = parseEnv({
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      OPENPHONE_WEBHOOK_SECRET: 'whsec_a2V5',
    });
    expect(env.TWILIO_API_BASE_URL).toBe('https://api.twilio.com');
    expect(env.OPENPHONE_API_BASE_URL).toBe('https://api.openphone.com');
  });

  it('LEADLINE_HOME is absolute', () => {
    expect(parseEnv({ LEADLINE_HOME: 'state' }).LEADLINE_HOME).toBe(path.resolve('state'));
  });
});

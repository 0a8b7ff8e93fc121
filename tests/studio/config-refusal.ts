// The message a studio configuration is refused with (the test fails when it is accepted).
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';

export function refusal(value: unknown): string {
  try {
    parseStudioConfig(value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
}

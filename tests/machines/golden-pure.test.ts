// The golden conversations on the pure machine (fast; the same scenarios run through the real runtime in
// tests/transcripts/golden.test.ts).
import { describe, it } from 'vitest';
import { PureConversation } from '../transcripts/pure-conversation.ts';
import { scenarios } from '../transcripts/scenarios.ts';

describe('golden conversations (pure machine)', () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, () => scenario(new PureConversation()));
  }
});

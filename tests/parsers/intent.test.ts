import { describe, expect, it } from 'vitest';
import { detectIntent } from '../../src/machines/parsers/index.ts';

describe('detectIntent', () => {
  it.each([
    ['human', 'handover'],
    ['Human please', 'handover'],
    ['talk to someone', 'handover'],
    ['can I talk to someone?', 'handover'],
    ['speak to the artist', 'handover'],
    ["I'd like to speak with the artist please", 'handover'],
    ['real person', 'handover'],
    ['is there a real person there', 'handover'],
    ['can I talk to a person', 'handover'],
    ['agent', 'handover'],
    ['Can I speak to Sam?', 'handover'],
    ['is this a bot?', 'handover'],
    ['I want a human', 'handover'],
    ['restart', 'restart'],
    ['Restart!', 'restart'],
    ['start over', 'restart'],
    ['can we start again', 'restart'],
    ['start from scratch', 'restart'],
    ['STOP', 'opt_out'],
    ['stop', 'opt_out'],
    ['Stop.', 'opt_out'],
    ['STOP please', 'opt_out'],
    ['STOP STOP', 'opt_out'],
    ['stop it', 'opt_out'],
    ['unsubscribe', 'opt_out'],
    ['please unsubscribe me from this', 'opt_out'],
    ['stop messaging me', 'opt_out'],
    [
      'Please stop texting me, I already booked elsewhere and do not want more of these messages at all',
      'opt_out',
    ],
    ['START', 'opt_in'],
    ['start', 'opt_in'],
  ])('%j → %s', (text, intent) => {
    expect(detectIntent(text)).toBe(intent);
  });

  it.each([
    'non-stop dragon',
    'a bus stop with a cat',
    "don't stop messaging me",
    'a human skull with roses',
    'human heart, anatomical',
    'a dragon',
    'stop sign on my knee',
    'can I talk to you about a cover up',
    'could I speak to my partner first',
    '10x15cm',
    '',
    'A phoenix rising from ashes, because after my divorce I had to start over and rebuild everything from nothing',
  ])('no intent in %j', (text) => {
    expect(detectIntent(text)).toBeNull();
  });
});

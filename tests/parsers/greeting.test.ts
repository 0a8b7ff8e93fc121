import { describe, expect, it } from 'vitest';
import { isGreetingOrEnquiry } from '../../src/machines/parsers/index.ts';

describe('isGreetingOrEnquiry', () => {
  it.each([
    'hi',
    'Hi!',
    'hello',
    'Hellooo',
    'heyyy',
    'hey there',
    'Good morning',
    'good afternoon :)',
    "I'd like to book a tattoo",
    'are you taking bookings?',
    'Are you taking new clients at the moment?',
    'hi, I want a tattoo',
    'Hi, I’m interested in getting a tattoo',
    'hello, how much is a tattoo?',
    'Hey! Do you have any availability?',
    'I want to book an appointment please',
    "hi there, I'm looking to get my first tattoo",
    '👋',
    '',
    '   ',
  ])('%j is a greeting or enquiry', (text) => {
    expect(isGreetingOrEnquiry(text)).toBe(true);
  });

  it.each([
    'I want a tattoo of a koi fish',
    'koi fish',
    'a rose',
    'Hi! A dragon wrapping around my forearm',
    'hello, I would like a tattoo of my dog',
    "my mum's name in script",
    'half sleeve, japanese waves',
    'a small lotus flower',
    'hi, can I get a tattoo of a skull',
    'Geometric wolf head',
  ])('%j carries idea content', (text) => {
    expect(isGreetingOrEnquiry(text)).toBe(false);
  });

  it('is total: long text is content, never throws', () => {
    expect(isGreetingOrEnquiry('hi '.repeat(30))).toBe(false);
    expect(isGreetingOrEnquiry('x'.repeat(20_000))).toBe(false);
  });
});

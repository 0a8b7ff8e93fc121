// The conversation parsers: pure, total functions from a lead's free text to normalised answers.
export { parseDimensions, type Dimensions } from './dimensions.ts';
export { parseMoney, type Money } from './money.ts';
export { matchStyle } from './style.ts';
export { detectIntent, type Intent } from './intent.ts';
export { isNoneAnswer } from './none-answer.ts';
export { parseSlotChoice } from './slot-choice.ts';
export { isGreetingOrEnquiry } from './greeting.ts';
export { looksLikeBundle } from './bundle.ts';

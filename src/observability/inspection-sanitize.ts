// What leaves the process for the Stately inspector: contexts and events with phone numbers masked
// (maskPhone, as in the logs). Phone numbers hide in fields named for them (`phone`, `from`, `wa_id`)
// and inside free text ("call me on +447700900123"), so both are covered.
import type { AnyEventObject, MachineContext } from 'xstate';
import { maskPhone } from './logger.ts';

/** Fields whose string value is a phone number whenever it has enough digits to be one. */
const PHONE_KEY = /phone|whatsapp|msisdn|wa_?id|^(from|to|recipient)$/i;
/** "+447700900123" anywhere, or a bare run of 11–15 digits (an E.164 number without its "+"). */
const PHONE_IN_TEXT = /\+\d[\d ]{5,17}\d|(?<!\d)\d{11,15}(?!\d)/g;
/** Deeper than this the value is not a lead's data: cut rather than walk (and never loop on cycles). */
const MAX_DEPTH = 12;

function maskString(key: string, value: string): string {
  if (PHONE_KEY.test(key) && (value.match(/\d/g)?.length ?? 0) >= 7) return maskPhone(value);
  return value.replace(PHONE_IN_TEXT, (match) => maskPhone(match));
}

function mask(value: unknown, key: string, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return maskString(key, value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return '[cut]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => mask(item, key, depth + 1, seen));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k, depth + 1, seen)]));
}

/** A deep copy with every phone number masked; the original is left untouched. */
export function maskPhoneNumbers<T>(value: T): T {
  return mask(value, '', 0, new WeakSet()) as T;
}

export function sanitizeContext(context: MachineContext): MachineContext {
  return maskPhoneNumbers(context);
}

/** Machine definitions are code, but a studio's numbers can be baked into them: mask those too. */
export function sanitizeDefinition<T extends { type: string; definition?: string | undefined }>(event: T): T {
  if (event.type !== '@xstate.actor' || event.definition === undefined) return event;
  return { ...event, definition: maskString('', event.definition) };
}

export function sanitizeEvent(event: AnyEventObject): AnyEventObject {
  return maskPhoneNumbers(event);
}

// Who wrote a message-API message: the identifiers the body brings (phone, email lower-cased, deviceId, in
// resolution order) and a generated deviceId for a guest where the studio takes guests. The lead they name
// is resolved brand-scoped by src/identity/resolve-lead.ts, as on every channel.
import { randomBytes } from 'node:crypto';
import type { Identifier } from '../domain/lead-events.ts';
import type { MessageRequest } from './message-body.ts';

export function identifiersOf(user: MessageRequest['user']): Identifier[] {
  const identifiers: Identifier[] = [];
  if (user?.phone !== undefined) identifiers.push({ type: 'phone', value: user.phone });
  if (user?.email !== undefined) identifiers.push({ type: 'email', value: user.email.toLowerCase() });
  if (user?.deviceId !== undefined) identifiers.push({ type: 'deviceId', value: user.deviceId });
  return identifiers;
}

export function newGuestDeviceId(): string {
  return `dv_${randomBytes(16).toString('hex')}`;
}

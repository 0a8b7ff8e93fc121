// The live side of a session: each stored message is announced on the session's notice topic, where the
// gateway's SSE connections of that session listen (in another process in distributed mode). A missed
// notice loses nothing: a reconnecting client resumes from the database with Last-Event-ID.
import type { Bus } from '../bus/bus.ts';
import type { SessionMessage } from './session-messages.ts';

export function sessionTopic(sessionId: string): string {
  return `session.${sessionId}`;
}

export function announceSessionMessage(bus: Bus, sessionId: string, message: SessionMessage): void {
  bus.notify(sessionTopic(sessionId), message);
}

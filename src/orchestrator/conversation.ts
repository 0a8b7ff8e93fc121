// What the orchestrator is sent (pure): the studio's instructions, the lead's answers so far and, off
// script, the question being asked, then the lead's recent conversation as chat turns. Bounded twice: the
// last MAX_TURNS transcript entries, and no more than MAX_HISTORY_CHARS of them (older turns go first),
// so a long conversation never makes a call slow or costly.
import type { ChatMessage } from './chat-client.ts';

export const MAX_TURNS = 20;
export const MAX_HISTORY_CHARS = 8_000;

export interface TranscriptTurn {
  direction: 'in' | 'out';
  text: string | null;
}

export interface AskInput {
  studioName: string;
  purpose: 'assistant' | 'off_script';
  /** The lead's words now (the latest inbound entry, when the transcript has it). */
  text: string;
  question?: string | undefined;
  answers: readonly string[];
  systemPrompt?: string | undefined;
}

function instructions(input: AskInput): string {
  const lines = [
    input.systemPrompt ??
      `You answer messages for ${input.studioName}, a tattoo studio, in a chat with a customer. ` +
        'Answer briefly and kindly, in plain text, in the language the customer writes. If you do not know, ' +
        'say someone from the studio will follow up.',
  ];
  if (input.purpose === 'off_script' && input.question !== undefined) {
    lines.push(
      `The customer is in the middle of an enquiry and is being asked: "${input.question}". ` +
        'Answer their question only; do not ask the question yourself (it is asked again after your answer).',
    );
  }
  if (input.answers.length > 0)
    lines.push(`What the customer has told us so far:\n${input.answers.join('\n')}`);
  return lines.join('\n\n');
}

/** The latest turns with text, newest kept first when cutting, in conversation order. */
function recentTurns(transcript: readonly TranscriptTurn[]): ChatMessage[] {
  const turns: ChatMessage[] = [];
  let chars = 0;
  for (const entry of [...transcript].reverse()) {
    if (turns.length >= MAX_TURNS) break;
    const text = entry.text?.trim() ?? '';
    if (text === '') continue;
    if (chars + text.length > MAX_HISTORY_CHARS) {
      // The newest turn is always sent, cut to the bound if it is longer on its own.
      if (turns.length === 0) turns.push({ role: 'user', content: text.slice(-MAX_HISTORY_CHARS) });
      break;
    }
    chars += text.length;
    turns.push({ role: entry.direction === 'in' ? 'user' : 'assistant', content: text });
  }
  return turns.reverse();
}

export function chatMessages(input: AskInput, transcript: readonly TranscriptTurn[]): ChatMessage[] {
  const turns = recentTurns(transcript);
  const last = turns.at(-1);
  // The transcript normally ends with the lead's message; when it does not (no transcript entry), add it.
  if (last?.role !== 'user' || last.content !== input.text.trim()) {
    turns.push({ role: 'user', content: input.text.slice(0, MAX_HISTORY_CHARS) });
  }
  return [{ role: 'system', content: instructions(input) }, ...turns];
}

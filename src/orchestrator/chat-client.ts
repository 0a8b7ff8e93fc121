// One chat completions call to a studio's orchestrator through the `openai` client pointed at the
// configured endpoint (its baseURL: the configured url without `/chat/completions`). The client brings the
// request and response types, the timeout with its abort, and typed errors (status, timeout, connection);
// its own retries are off: a late answer is worse than the studio's default reply, which the caller sends
// instead. Every failure comes back as a ChatFailure saying whether it was a timeout.
import OpenAI from 'openai';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatAnswer {
  text: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

export class ChatFailure extends Error {
  override name = 'ChatFailure';
  readonly kind: 'timeout' | 'failed';
  readonly status: number | null;
  constructor(kind: 'timeout' | 'failed', message: string, status: number | null = null, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.kind = kind;
    this.status = status;
  }
}

export interface ChatRequest {
  url: string;
  model: string;
  timeoutMs: number;
  messages: readonly ChatMessage[];
}

export type AskChat = (request: ChatRequest) => Promise<ChatAnswer>;

/** The client's baseURL: `…/v1/chat/completions` and `…/v1` both name `…/v1`. */
export function chatBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/chat\/completions$/, '');
}

function failureOf(error: unknown): ChatFailure {
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ChatFailure('timeout', 'the orchestrator did not answer in time', null, error);
  }
  if (error instanceof OpenAI.APIError) {
    const status = typeof error.status === 'number' ? error.status : null;
    return new ChatFailure(
      'failed',
      `the orchestrator answered ${status ?? 'an error'}: ${error.message}`,
      status,
      error,
    );
  }
  return new ChatFailure('failed', error instanceof Error ? error.message : String(error), null, error);
}

/** `apiKey` absent: no Authorization header at all (a local model needs none). */
export function openAiChat(apiKey: string | undefined): AskChat {
  const clients = new Map<string, OpenAI>();
  const clientFor = (url: string) => {
    const baseURL = chatBaseUrl(url);
    let client = clients.get(baseURL);
    if (client === undefined) {
      client = new OpenAI({
        baseURL,
        // The client refuses to start without a key; without one the header is removed below instead.
        apiKey: apiKey ?? 'no-key',
        organization: null,
        project: null,
        maxRetries: 0,
        ...(apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
      });
      clients.set(baseURL, client);
    }
    return client;
  };
  return async (request) => {
    let completion;
    try {
      completion = await clientFor(request.url).chat.completions.create(
        { model: request.model, messages: [...request.messages] },
        { timeout: request.timeoutMs },
      );
    } catch (error) {
      throw failureOf(error);
    }
    const text = completion.choices[0]?.message.content?.trim() ?? '';
    if (text === '') throw new ChatFailure('failed', 'the orchestrator answered with no content');
    return {
      text,
      model: completion.model || request.model,
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
    };
  };
}

// A local server speaking the OpenAI chat completions API, enough for Leadline's orchestrator:
// POST …/chat/completions (any base path: /v1/chat/completions, /chat/completions) answers a
// `chat.completion` with `choices[0].message.content` and `usage` {prompt_tokens, completion_tokens,
// total_tokens}. It can be told what to answer (`answerNext`, or `answer` for every call), to fail (a
// status with OpenAI's error JSON, a reset, a late answer: `failNext`) or to delay (`delayNext`), and it
// records every request (body and Authorization) in `requests`. With `apiKey` set, a request without
// `Authorization: Bearer <key>` gets OpenAI's 401.
//
// Runnable for a demo outside production: `npx node tests/fakes/openai-api.ts [port]` prints its URL; point
// a studio's `orchestrator.url` at it (`<url>/v1/chat/completions`).
import { fileURLToPath } from 'node:url';
import { listen, playFailure, readBody, sendJson, type Failure, type FakeServer } from './fake-http.ts';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  [field: string]: unknown;
}

export interface RecordedChatRequest {
  path: string;
  authorization: string | undefined;
  body: ChatRequest;
}

export interface FakeOpenAiApi extends FakeServer {
  /** The chat completions endpoint, as a studio's `orchestrator.url` names it. */
  completionsUrl: string;
  requests: RecordedChatRequest[];
  /** Content for the next calls, one each, before falling back to `answer`. */
  answerNext(...contents: string[]): void;
  /** The content of every call without a queued one (default: echoes the lead's last message). */
  answer: (request: ChatRequest) => string;
  failNext(...failures: Failure[]): void;
  /** The next calls answer normally but only after this long. */
  delayNext(...delaysMs: number[]): void;
  /** Token counts of the next answers (default: about one token per four characters). */
  usageNext(...usage: { prompt: number; completion: number }[]): void;
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function lastUserText(request: ChatRequest): string {
  return request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
}

export async function startFakeOpenAiApi(
  options: { apiKey?: string; port?: number } = {},
): Promise<FakeOpenAiApi> {
  const requests: RecordedChatRequest[] = [];
  const contents: string[] = [];
  const failures: Failure[] = [];
  const delays: number[] = [];
  const usages: { prompt: number; completion: number }[] = [];
  let calls = 0;
  const state = {
    answer: (request: ChatRequest) => `(fake orchestrator) You asked: ${lastUserText(request)}`,
  };

  const server = await listen(async (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      sendJson(res, 404, {
        error: { message: `Unknown request URL: ${req.method} ${path}`, type: 'invalid_request_error' },
      });
      return;
    }
    const raw = await readBody(req);
    const authorization = req.headers.authorization;
    let body: ChatRequest;
    try {
      body = JSON.parse(raw) as ChatRequest;
    } catch {
      sendJson(res, 400, {
        error: { message: 'We could not parse the JSON body', type: 'invalid_request_error' },
      });
      return;
    }
    requests.push({ path, authorization, body });
    if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
      sendJson(res, 401, {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
      return;
    }
    const failure = failures.shift();
    if (failure) {
      playFailure(res, failure);
      return;
    }
    const delay = delays.shift() ?? 0;
    const content = contents.shift() ?? state.answer(body);
    const prompt = body.messages.reduce((n, m) => n + tokens(m.content), 0);
    const usage = usages.shift() ?? { prompt, completion: tokens(content) };
    calls += 1;
    const answer = () =>
      sendJson(res, 200, {
        id: `chatcmpl-fake-${calls}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          { index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null },
        ],
        usage: {
          prompt_tokens: usage.prompt,
          completion_tokens: usage.completion,
          total_tokens: usage.prompt + usage.completion,
        },
      });
    if (delay === 0) {
      answer();
      return;
    }
    const timer = setTimeout(answer, delay);
    res.once('close', () => clearTimeout(timer));
  }, options.port);

  return {
    url: server.url,
    completionsUrl: `${server.url}/v1/chat/completions`,
    close: () => server.close(),
    requests,
    answerNext: (...next) => contents.push(...next),
    get answer() {
      return state.answer;
    },
    set answer(fn) {
      state.answer = fn;
    },
    failNext: (...next) => failures.push(...next),
    delayNext: (...next) => delays.push(...next),
    usageNext: (...next) => usages.push(...next),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 4010);
  const fake = await startFakeOpenAiApi({ port });
  process.stdout.write(`fake OpenAI-compatible server: ${fake.completionsUrl}\n`);
}

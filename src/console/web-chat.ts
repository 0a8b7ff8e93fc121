// GET /chat/:studioId: the studio's web chat, a small page on POST /web/messages and the session's
// Server-Sent Events stream (the script is assets/web-chat.js). Served by the gateway on its own origin,
// so it can be embedded in the studio's website as an iframe (docs/console.md has the snippet): no
// frame-ancestors restriction here, unlike the console. A studio without the web channel gets a 404 page.
import type { FastifyPluginCallback } from 'fastify';
import { readFile } from 'node:fs/promises';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import { html, trusted } from './html.ts';

const script = new URL('./assets/web-chat.js', import.meta.url);

const STYLE = `
*{box-sizing:border-box}html,body{height:100%}body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1a1a1a;background:#ece5dd;display:flex;flex-direction:column}
header{background:#16324f;color:#fff;padding:10px 14px}header h1{font-size:17px;margin:0}
#chat-log{list-style:none;margin:0;padding:12px;flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:6px}
.bubble{max-width:80%;padding:7px 11px;border-radius:10px;white-space:pre-wrap;background:#fff}
.bubble.in{align-self:flex-end;background:#d9f2d9}.bubble.failed{outline:2px solid #a00000}
.choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
button{font:inherit;padding:6px 12px;border:1px solid #16324f;background:#16324f;color:#fff;border-radius:16px;cursor:pointer}
.choices button{background:#fff;color:#16324f}button:disabled{opacity:.6;cursor:default}
button:focus,input:focus{outline:3px solid #f4b400;outline-offset:2px}
form{display:flex;gap:8px;padding:10px;background:#f7f7f7;border-top:1px solid #d0d0d0}
input#chat-text{flex:1;font:inherit;padding:7px 10px;border:1px solid #6b6b6b;border-radius:16px}
#chat-state{font-size:12px;color:#4a4a4a;padding:0 12px 4px}
.bubble img{display:block;max-width:220px;max-height:220px;border-radius:6px;margin-bottom:4px}
.attach{font:inherit;padding:6px 12px;border:1px solid #16324f;color:#16324f;background:#fff;border-radius:16px;cursor:pointer}
.attach:focus-within{outline:3px solid #f4b400;outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;

export const webChatRoutes: FastifyPluginCallback<{ studios: StudioRegistry }> = (app, deps, registered) => {
  app.get('/chat/assets/web-chat.js', async (_request, reply) =>
    reply
      .header('cache-control', 'no-cache')
      .type('application/javascript; charset=utf-8')
      .send(await readFile(script)),
  );
  app.get<{ Params: { studioId: string } }>('/chat/:studioId', async (request, reply) => {
    const studio = deps.studios.byId(request.params.studioId);
    const open = studio !== undefined && studio.active && studio.web !== undefined;
    const title = open ? `Chat with ${studio.name}` : 'No such chat';
    const body = open
      ? html`<header><h1>${studio.name}</h1></header>
          <main
            id="chat"
            data-studio="${studio.id}"
            style="flex:1;display:flex;flex-direction:column;min-height:0"
          >
            <ol id="chat-log" role="log" aria-live="polite" aria-label="Conversation"></ol>
            <p id="chat-state" role="status"></p>
            <form id="chat-form">
              <label for="chat-text" class="visually-hidden">Your message</label>
              <input
                id="chat-text"
                name="text"
                autocomplete="off"
                maxlength="10000"
                placeholder="Type a message"
                required
              />
              <label for="chat-image" class="attach" title="Send a photo (PNG, JPEG or WebP)"
                >Photo<input
                  id="chat-image"
                  name="image"
                  type="file"
                  accept="image/png,image/jpeg,image/webp"
                  class="visually-hidden"
              /></label>
              <button type="submit">Send</button>
            </form>
          </main>
          <script src="/chat/assets/web-chat.js" defer></script>`
      : html`<main style="padding:16px">
          <h1>No such chat</h1>
          <p>This studio has no web chat.</p>
        </main>`;
    return reply
      .code(open ? 200 : 404)
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob:",
      )
      .type('text/html; charset=utf-8')
      .send(
        html`<!doctype html>
          <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width,initial-scale=1" />
              <title>${title}</title>
              <style>
                ${trusted(STYLE)}
              </style>
            </head>
            <body>
              ${body}
            </body>
          </html>`.value,
      );
  });
  registered();
};

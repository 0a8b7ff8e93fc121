// The web chat's browser side (served at /chat/assets/web-chat.js; plain script, no build, no framework).
// Sends each line with POST /web/messages and shows the session's messages from its Server-Sent Events
// stream, GET /web/sessions/:id/events: every message once (by event id), choices as buttons. The browser's
// EventSource reconnects by itself and sends Last-Event-ID, so the stream resumes after the last message it
// saw. The guest's deviceId and the session id are kept in localStorage, so a reload shows the
// conversation again and stays the same lead.
(() => {
  const root = document.getElementById('chat');
  if (!root) return;
  const studioId = root.dataset.studio ?? '';
  const log = document.getElementById('chat-log');
  const form = document.getElementById('chat-form');
  const input = document.getElementById('chat-text');
  const state = document.getElementById('chat-state');
  const storeKey = `leadline-chat:${studioId}`;
  const stored = (() => {
    try {
      return JSON.parse(localStorage.getItem(storeKey) ?? '{}');
    } catch {
      return {};
    }
  })();
  let deviceId = typeof stored.deviceId === 'string' ? stored.deviceId : undefined;
  let sessionId = typeof stored.sessionId === 'string' ? stored.sessionId : undefined;
  let stream;
  const shown = new Set();

  const save = () => localStorage.setItem(storeKey, JSON.stringify({ deviceId, sessionId }));
  const status = (text) => {
    state.textContent = text;
  };

  function bubble(direction, text, id, imageSrc) {
    const item = document.createElement('li');
    item.className = `bubble ${direction}`;
    if (id) item.dataset.messageId = id;
    const who = document.createElement('span');
    who.className = 'visually-hidden';
    who.textContent = direction === 'in' ? 'You: ' : 'Studio: ';
    item.append(who);
    if (imageSrc) {
      const image = document.createElement('img');
      image.src = imageSrc;
      image.alt = text ? `Photo: ${text}` : 'Photo';
      item.append(image);
    }
    item.append(document.createTextNode(text));
    log.append(item);
    item.scrollIntoView({ block: 'end' });
    return item;
  }

  function choices(item, options) {
    const group = document.createElement('div');
    group.className = 'choices';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Choose one');
    for (const option of options) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = option.title;
      button.addEventListener('click', () => {
        group.querySelectorAll('button').forEach((b) => (b.disabled = true));
        void send(option.title);
      });
      group.append(button);
    }
    item.append(group);
  }

  function show(message) {
    if (shown.has(message.messageId)) return;
    shown.add(message.messageId);
    // Our own line was drawn when sent; the stream confirms it.
    const pending = log.querySelector(`li[data-pending="${CSS.escape(message.text)}"]`);
    if (message.direction === 'in' && pending) {
      pending.removeAttribute('data-pending');
      pending.dataset.messageId = message.messageId;
      return;
    }
    const image =
      message.kind === 'image' && message.mediaId
        ? `/web/media/${encodeURIComponent(message.mediaId)}`
        : undefined;
    const item = bubble(message.direction, message.text, message.messageId, image);
    if (message.kind === 'choices' && Array.isArray(message.options)) choices(item, message.options);
  }

  function listen() {
    if (!sessionId) return;
    if (stream && stream.url.endsWith(`/web/sessions/${encodeURIComponent(sessionId)}/events`)) return;
    stream?.close();
    stream = new EventSource(`/web/sessions/${encodeURIComponent(sessionId)}/events`);
    stream.addEventListener('open', () => status('Connected.'));
    stream.addEventListener('error', () => status('Connection lost, reconnecting…'));
    stream.addEventListener('message', (event) => show(JSON.parse(event.data)));
  }

  // A photo goes first to POST /web/media (the bytes as the body), then as the message's media.
  async function upload(file) {
    const response = await fetch(`/web/media?studioId=${encodeURIComponent(studioId)}`, {
      method: 'POST',
      headers: { 'content-type': file.type || 'application/octet-stream' },
      body: file,
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer?.error?.message ?? `Not sent (${response.status}).`);
    return answer.data.mediaId;
  }

  async function send(text, file) {
    const mine = bubble('in', text, undefined, file ? URL.createObjectURL(file) : undefined);
    mine.dataset.pending = text;
    const body = {
      studioId,
      requestId: crypto.randomUUID(),
      ...(text ? { text } : {}),
      user: deviceId ? { deviceId } : {},
    };
    if (file) {
      try {
        body.media = { id: await upload(file) };
      } catch (error) {
        mine.classList.add('failed');
        status(error instanceof Error ? error.message : 'The photo was not sent.');
        return;
      }
    }
    try {
      const response = await fetch('/web/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      if (!response.ok) {
        mine.classList.add('failed');
        status(answer?.error?.message ?? `Not sent (${response.status}).`);
        return;
      }
      const data = answer.data ?? {};
      if (data.user?.deviceId) deviceId = data.user.deviceId;
      if (data.sessionId) sessionId = data.sessionId;
      if (data.messageId && mine.dataset.pending !== undefined) {
        shown.add(data.messageId);
        mine.removeAttribute('data-pending');
        mine.dataset.messageId = data.messageId;
      }
      save();
      listen();
    } catch {
      mine.classList.add('failed');
      status('Not sent: the connection failed. Try again.');
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text === '') return;
    input.value = '';
    void send(text);
  });
  // Choosing a photo sends it at once, with what is typed as its caption.
  const picker = document.getElementById('chat-image');
  picker.addEventListener('change', () => {
    const file = picker.files?.[0];
    if (!file) return;
    const caption = input.value.trim();
    input.value = '';
    picker.value = '';
    void send(caption, file);
  });
  listen();
  if (!sessionId) status('Say hello to start.');
})();

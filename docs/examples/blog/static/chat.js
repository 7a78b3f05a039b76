// The chat page: messages come over a WebSocket when the browser has one, else (or with
// ?transport=poll) by long polling /chat/updates with a cursor, as in Tornado's chat demo.
// Both transports resume from the last message shown, so nothing is lost between page and socket.
'use strict';
(() => {
  const inbox = document.getElementById('inbox');
  const form = document.getElementById('message-form');
  const input = document.getElementById('message');
  const status = document.getElementById('chat-status');
  const xsrf = form.querySelector('input[name=_xsrf]').value;
  const seen = new Set();
  let cursor = null;
  for (const node of inbox.querySelectorAll('.message')) {
    seen.add(node.dataset.id);
    cursor = node.dataset.id;
  }
  let socket = null;

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function setStatus(text) {
    status.textContent = text;
    document.body.dataset.chat = text;
  }

  function show(messages) {
    for (const message of messages) {
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      cursor = message.id;
      const line = document.createElement('div');
      line.className = 'message';
      line.dataset.id = message.id;
      const author = document.createElement('b');
      author.className = 'author';
      author.textContent = message.author;
      const body = document.createElement('span');
      body.className = 'body';
      body.textContent = message.body;
      line.append(author, ': ', body);
      inbox.append(line);
    }
    inbox.scrollTop = inbox.scrollHeight;
  }

  function startWebSocket() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const query = cursor === null ? '' : `?cursor=${encodeURIComponent(cursor)}`;
    let opened = false;
    socket = new WebSocket(`${scheme}://${location.host}/chat/socket${query}`);
    socket.addEventListener('open', () => {
      opened = true;
      setStatus('websocket');
    });
    socket.addEventListener('message', (event) => show(JSON.parse(event.data).messages ?? []));
    socket.addEventListener('close', () => {
      socket = null;
      // Never connected (a proxy without WebSocket support, say): long polling instead.
      if (!opened) return void poll();
      setStatus('reconnecting');
      setTimeout(startWebSocket, 1000);
    });
  }

  async function poll() {
    setStatus('poll');
    for (;;) {
      try {
        const response = await fetch('/chat/updates', { method: 'POST', body: new URLSearchParams({ _xsrf: xsrf, cursor: cursor ?? '' }) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        show((await response.json()).messages);
      } catch {
        setStatus('poll (retrying)');
        await sleep(2000);
        setStatus('poll');
      }
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = input.value.trim();
    if (body === '') return;
    input.value = '';
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ body }));
      return;
    }
    // The message comes back to this page through the long poll, in order with everyone else's.
    const response = await fetch('/chat/new', { method: 'POST', body: new URLSearchParams({ _xsrf: xsrf, body }) });
    if (!response.ok) setStatus(`send failed (HTTP ${response.status})`);
  });

  if (inbox.dataset.transport !== 'poll' && 'WebSocket' in window) startWebSocket();
  else void poll();
})();

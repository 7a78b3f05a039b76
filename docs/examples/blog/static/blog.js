// Small comforts for forms: a character count under the article text.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const body = document.getElementById('body');
  const count = document.getElementById('body-count');
  if (!body || !count) return;
  const update = () => { count.textContent = `${body.value.length} characters`; };
  body.addEventListener('input', update);
  update();
});

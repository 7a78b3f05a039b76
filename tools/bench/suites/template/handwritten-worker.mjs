// Render peer: the practical limit. The page built by hand with string concatenation, escaping with
// a local charCode loop (escapeHtml below) that escapes what Tornado's xhtml_escape does.
import { serveWork } from '../../lib/work-loop.mjs';
import { page } from './page.mjs';

/** `& < > " '` as `&amp; &lt; &gt; &quot; &#39;`; the string itself when none occurs. */
function escapeHtml(text) {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 62) continue;
    let entity;
    if (code === 38) entity = '&amp;';
    else if (code === 60) entity = '&lt;';
    else if (code === 62) entity = '&gt;';
    else if (code === 34) entity = '&quot;';
    else if (code === 39) entity = '&#39;';
    else continue;
    if (last !== i) out += text.slice(last, i);
    out += entity;
    last = i + 1;
  }
  if (last === 0) return text;
  return last < text.length ? out + text.slice(last) : out;
}

function renderPage({ title, loggedIn, items }) {
  let out = `<!DOCTYPE html>\n<html>\n<head><title>${escapeHtml(title)}</title></head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n`;
  if (loggedIn) out += '<p class="user">Signed in</p>\n';
  out += '<ul>\n';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    out += `<li id="item-${item.id}">${escapeHtml(item.name)}</li>\n`;
  }
  return `${out}</ul>\n</body>\n</html>\n`;
}

serveWork(() => renderPage(page));

// What templates call besides their own code: the Entry UI module (an article's summary or full
// text, after Tornado's blog demo) and a few UI methods (called with the handler first).
import { linkify } from '@tornado-ts/escape';
import { UIModule } from '@tornado-ts/web';

const SUMMARY_CHARS = 280;

/** `{% module Entry(article, { full }) %}`: an article as it appears in lists (or in full). */
export class EntryModule extends UIModule {
  render(article, { full = false } = {}) {
    return this.renderString('modules/entry.html', { article, full });
  }

  cssFiles() {
    return 'entry.css';
  }
}

export const uiModules = { Entry: EntryModule };

/** Plain text to HTML paragraphs: escaped, blank lines between paragraphs, links made clickable. */
function paragraphs(_handler, text) {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${linkify(paragraph, { extraParams: 'rel="nofollow"' }).replace(/\r?\n/g, '<br/>')}</p>`)
    .join('\n');
}

/** The start of `text` for article lists, cut at a word. */
function summary(_handler, text) {
  if (text.length <= SUMMARY_CHARS) return text;
  const cut = text.slice(0, SUMMARY_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), SUMMARY_CHARS / 2))}…`;
}

/** An ISO date as the reader's locale writes it ("March 3, 2026"). */
function formatDate(handler, iso) {
  return handler.locale.formatDate(Date.parse(iso), { fullFormat: true, shorter: true });
}

export const uiMethods = { paragraphs, summary, formatDate };

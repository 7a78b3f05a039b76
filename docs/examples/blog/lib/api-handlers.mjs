// The JSON API: GET /api/articles lists articles; POST /api/articles creates one from a JSON body
// validated with zod (400 with zod's message when it does not fit). POSTs need a session and the
// XSRF token in an `X-XSRFToken` header, like any other POST on this site.
import { STATUS_CODES } from 'node:http';
import { authenticated, HTTPError } from '@tornado-ts/web';
import { BaseHandler } from './base-handler.mjs';
import { articleInput, describeZodError } from './validation.mjs';

/** What the API shows of an article. */
export function articleJson(article) {
  const { id, slug, title, body, authorName, published, updated } = article;
  return { id, slug, title, body, author: authorName, published, updated, url: `/article/${encodeURIComponent(slug)}` };
}

class JsonHandler extends BaseHandler {
  setDefaultHeaders() {
    super.setDefaultHeaders();
    this.setHeader('Content-Type', 'application/json; charset=UTF-8');
  }

  /** Errors as `{ "error": "..." }`, with the client's mistake spelled out when it is ours to tell. */
  writeError(statusCode, details = {}) {
    const error = details.error;
    const message = error instanceof BadRequest ? error.clientMessage : (STATUS_CODES[statusCode] ?? 'Error');
    this.setHeader('Content-Type', 'application/json; charset=UTF-8');
    return this.finish({ error: message, status: statusCode });
  }

  /** The request body parsed as JSON. @throws {BadRequest} 415 for another content type, 400 for malformed JSON. */
  jsonBody() {
    const type = (this.request.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') throw new BadRequest(415, 'expected Content-Type: application/json');
    try {
      return JSON.parse(this.request.body.toString('utf8'));
    } catch {
      throw new BadRequest(400, 'the body is not valid JSON');
    }
  }
}

/** An HTTPError whose message is safe and useful to show to the API client. */
class BadRequest extends HTTPError {
  constructor(status, clientMessage) {
    super(status, 'bad API request: %s', clientMessage);
    this.clientMessage = clientMessage;
  }
}

export class ApiArticlesHandler extends JsonHandler {
  get() {
    this.write({ articles: this.store.listArticles().map(articleJson) });
  }

  post = authenticated(async function () {
    const parsed = articleInput.safeParse(this.jsonBody());
    if (!parsed.success) throw new BadRequest(400, describeZodError(parsed.error));
    const article = await this.store.createArticle(this.store.userById(this.currentUser.id), parsed.data);
    this.setStatus(201);
    this.setHeader('Location', `/api/articles/${article.id}`);
    this.write({ article: articleJson(article) });
  });
}

export class ApiArticleHandler extends JsonHandler {
  get(id) {
    const article = this.store.articleById(Number(id));
    if (!article) throw new HTTPError(404);
    this.write({ article: articleJson(article) });
  }
}

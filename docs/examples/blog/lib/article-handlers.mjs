// The blog's pages, after Tornado's blog demo: home, archive, one article, the Atom feed, and the
// compose form that creates and edits articles (signed-in authors only, XSRF-checked on POST).
import { authenticated, HTTPError } from '@tornado-ts/web';
import { BaseHandler } from './base-handler.mjs';
import { articleInput, describeZodError } from './validation.mjs';

export class HomeHandler extends BaseHandler {
  get() {
    return this.render('home.html', { articles: this.store.listArticles({ limit: 5 }) });
  }
}

export class ArchiveHandler extends BaseHandler {
  get() {
    return this.render('archive.html', { articles: this.store.listArticles() });
  }
}

export class ArticleHandler extends BaseHandler {
  get(slug) {
    const article = this.store.articleBySlug(slug);
    if (!article) throw new HTTPError(404);
    return this.render('article.html', { article });
  }
}

export class FeedHandler extends BaseHandler {
  get() {
    this.setHeader('Content-Type', 'application/atom+xml; charset=UTF-8');
    return this.render('feed.xml', { articles: this.store.listArticles({ limit: 10 }) });
  }
}

/** `/compose` writes a new article; `/compose?id=N` edits article N (its author only). */
export class ComposeHandler extends BaseHandler {
  get = authenticated(function () {
    const article = this.#editedArticle();
    return this.render('compose.html', { article, title: article?.title ?? '', body: article?.body ?? '', error: null });
  });

  post = authenticated(async function () {
    const article = this.#editedArticle();
    const parsed = articleInput.safeParse({ title: this.getArgument('title', ''), body: this.getArgument('body', '') });
    if (!parsed.success) {
      this.setStatus(400);
      return this.render('compose.html', {
        article,
        title: this.getArgument('title', ''),
        body: this.getArgument('body', ''),
        error: describeZodError(parsed.error),
      });
    }
    const saved = article
      ? await this.store.updateArticle(article.id, parsed.data)
      : await this.store.createArticle(this.store.userById(this.currentUser.id), parsed.data);
    if (!saved) throw new HTTPError(404);
    this.flash(article ? `Saved "${saved.title}".` : `Published "${saved.title}".`, 'success');
    this.redirect(`/article/${encodeURIComponent(saved.slug)}`);
  });

  /** The article named by `?id=`, or null for a new one. @throws {HTTPError} 404 unknown, 403 someone else's. */
  #editedArticle() {
    const id = this.getArgument('id', null);
    if (id === null || id === '') return null;
    const article = /^\d{1,9}$/.test(id) ? this.store.articleById(Number(id)) : null;
    if (!article) throw new HTTPError(404);
    if (article.authorId !== this.currentUser.id) throw new HTTPError(403, 'user %s may not edit article %s', this.currentUser.id, article.id);
    return article;
  }
}

// Render peer: Handlebars, page.hbs filling the inline partial "main" of the partial block base.hbs.
import Handlebars from 'handlebars';
import { serveWork } from '../../lib/work-loop.mjs';
import { page, templates } from './page.mjs';

const handlebars = Handlebars.create();
const sources = templates('handlebars');
handlebars.registerPartial('base', sources['base.hbs']);
const render = handlebars.compile(sources['page.hbs']);
serveWork(() => render(page));

// Render peer: Nunjucks, page.njk extending base.njk, from a FileSystemLoader (compiled templates cached).
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { serveWork } from '../../lib/work-loop.mjs';
import { page, templateDir } from './page.mjs';

const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(fileURLToPath(templateDir('nunjucks'))), { autoescape: true });
const template = env.getTemplate('page.njk', true);
serveWork(() => template.render(page));

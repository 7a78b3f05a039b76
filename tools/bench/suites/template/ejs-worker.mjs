// Render peer: EJS, page.ejs including header.ejs and footer.ejs (EJS has no blocks), compiled
// templates cached as in production, without `with` (locals.name).
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import { serveWork } from '../../lib/work-loop.mjs';
import { page, templateDir, templates } from './page.mjs';

const filename = fileURLToPath(new URL('page.ejs', templateDir('ejs')));
const render = ejs.compile(templates('ejs')['page.ejs'], { filename, cache: true, _with: false });
serveWork(() => render(page));

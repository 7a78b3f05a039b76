// Render peer: @tornado-ts/template (built dist), page.html extending base.html, from a DictLoader.
import { DictLoader } from '@tornado-ts/template';
import { serveWork } from '../../lib/work-loop.mjs';
import { page, templates } from './page.mjs';

const template = new DictLoader(templates('tornado')).load('page.html');
serveWork(() => template.generate(page));

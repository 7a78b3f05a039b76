// Render peer: Eta, page.eta with layout("@base"), both loaded by name (no path resolution per render).
import { Eta } from 'eta';
import { serveWork } from '../../lib/work-loop.mjs';
import { page, templates } from './page.mjs';

const eta = new Eta({ autoTrim: false }); // text as written; autoEscape is on by default
for (const [file, source] of Object.entries(templates('eta'))) eta.loadTemplate(`@${file.replace(/\.eta$/, '')}`, source);
serveWork(() => eta.render('@page', page));

// Builds the diagram viewer bundle: web/assets/viewer.js -> web/static/vendor/
// bpmn-viewer-<bpmn-js version>.js and .css (fonts inlined, so it works offline).
// Run with `npm run build`; the output is committed so the app needs no Node.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vendor = join(root, 'web', 'static', 'vendor');
const { version } = JSON.parse(
  readFileSync(join(root, 'node_modules', 'bpmn-js', 'package.json'), 'utf8'));

for (const old of readdirSync(vendor)) {  // one version at a time in the package
  if (old.startsWith('bpmn-viewer-')) {
    rmSync(join(vendor, old));
  }
}

await build({
  entryPoints: [join(root, 'web', 'assets', 'viewer.js')],
  outfile: join(vendor, `bpmn-viewer-${version}.js`),
  bundle: true,
  format: 'iife',
  globalName: 'LienThongViewer',
  minify: true,
  target: 'es2020',
  legalComments: 'eof',
  define: { 'process.env.BPMN_JS_VERSION': JSON.stringify(version) },
  // bpmn-embedded.css also names the .eot/.svg font files for old browsers: the
  // inlined woff in the same file is what modern browsers use.
  loader: { '.eot': 'empty', '.svg': 'empty', '.woff': 'dataurl', '.woff2': 'dataurl',
            '.ttf': 'dataurl' },
  logLevel: 'info',
});

// Drop the @font-face left with empty url()s by the 'empty' loader above: a browser
// would request the page's own address for them.
const css = join(vendor, `bpmn-viewer-${version}.css`);
writeFileSync(css, readFileSync(css, 'utf8').replace(/@font-face\{[^}]*url\(\)[^}]*\}/g, ''));

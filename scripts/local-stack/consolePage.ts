// The console's page: plain HTML and CSS, and one small TypeScript file bundled by esbuild (already
// the services' bundler) when the stack starts, in memory: there is no build step to run by hand.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

export interface ConsolePage {
  html: string;
  js: string;
  css: string;
}

const PAGE_DIR = join(__dirname, 'console-page');

export const buildConsolePage = async (dir = PAGE_DIR): Promise<ConsolePage> => {
  const [html, css, bundle] = await Promise.all([
    readFile(join(dir, 'index.html'), 'utf8'),
    readFile(join(dir, 'style.css'), 'utf8'),
    build({
      entryPoints: [join(dir, 'app.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      platform: 'browser',
      logLevel: 'silent',
    }),
  ]);
  const js = bundle.outputFiles[0]?.text;
  if (js === undefined) throw new Error('esbuild produced no console script');
  return { html, css, js };
};

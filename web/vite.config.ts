import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Folds the built script and stylesheet into index.html, so the page is one response. A browser
 * that was given `?auth_token=` in the page URL (no stored basic-auth credentials) could not load
 * `/assets/*.js` otherwise: the token is not carried over to the requests the page makes.
 */
function inlineIntoPage(): Plugin {
  return {
    name: 'opencode:inline-into-page',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const page = bundle['index.html'];
      if (page?.type !== 'asset' || typeof page.source !== 'string') return;
      let html = page.source;
      for (const [fileName, output] of Object.entries(bundle)) {
        const url = `/${fileName}`;
        if (output.type === 'chunk') {
          // `</script` inside the code would end the inline element early.
          const code = output.code.replace(/<\/script/gi, '<\\/script');
          html = html.replace(
            new RegExp(`<script type="module" crossorigin src="${url}"></script>`),
            () => `<script type="module">${code}</script>`,
          );
          delete bundle[fileName];
        } else if (fileName.endsWith('.css')) {
          const css = String(output.source).replace(/<\/style/gi, '<\\/style');
          html = html.replace(
            new RegExp(`<link rel="stylesheet" crossorigin href="${url}">`),
            () => `<style>${css}</style>`,
          );
          delete bundle[fileName];
        }
      }
      page.source = html;
    },
  };
}

/** The JSON results CI adds to jest's count (`.ci/run`); absent, only the console report. */
const jsonResults = process.env.OPENCODE_VITEST_JSON;

export default defineConfig({
  root,
  base: '/',
  plugins: [preact(), inlineIntoPage()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // Everything in one script and one stylesheet, both inlined above.
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    cssCodeSplit: false,
    modulePreload: false,
    rollupOptions: { output: { inlineDynamicImports: true } },
    chunkSizeWarningLimit: 2048,
  },
  test: {
    root,
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    reporters: jsonResults ? ['default', 'json'] : ['default'],
    ...(jsonResults ? { outputFile: { json: jsonResults } } : {}),
  },
});

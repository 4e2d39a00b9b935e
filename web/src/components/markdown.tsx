import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/**
 * Assistant text as Markdown (CommonMark + GitHub's tables, task lists, strikethrough, autolinks).
 * micromark escapes raw HTML and drops `javascript:`-style URLs unless told otherwise, so a reply
 * cannot inject markup or script into the page: what it renders is safe to set as HTML.
 */
export function Markdown({ text }: { text: string }) {
  const html = micromark(text, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
  return <div class="text markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

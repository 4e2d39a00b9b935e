import { z } from 'zod';
import { fetchErrorMessage } from '../../core/errors/error-message';
import { truncateOutput } from '../../core/tool-output';
import { defineTool, ToolExecutionError, type ToolResult } from '../tool.types';

export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const MAX_TIMEOUT_SECONDS = 120;

const FORMATS = ['text', 'markdown', 'html'] as const;
type Format = (typeof FORMATS)[number];

const ACCEPT: Record<Format, string> = {
  markdown:
    'text/markdown;q=1.0, text/x-markdown;q=0.9, text/plain;q=0.8, text/html;q=0.7, */*;q=0.1',
  text: 'text/plain;q=1.0, text/markdown;q=0.9, text/html;q=0.8, */*;q=0.1',
  html: 'text/html;q=1.0, application/xhtml+xml;q=0.9, text/plain;q=0.8, text/markdown;q=0.7, */*;q=0.1',
};

/** Many sites serve an error page to clients that do not look like a browser, as the reference. */
const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36';

const DESCRIPTION = `Fetches a URL and returns its content as markdown (default), plain text or raw HTML.

Usage:
- url must be a complete http:// or https:// URL.
- format: "markdown" converts HTML pages to markdown (best for reading documentation), "text" strips the markup, "html" returns the page as served. Non-HTML responses are returned as they are; images come back as attachments.
- timeout is in seconds (default ${DEFAULT_TIMEOUT_SECONDS}, at most ${MAX_TIMEOUT_SECONDS}). Responses larger than ${MAX_RESPONSE_BYTES / (1024 * 1024)} MB are refused, and long content is truncated.
- The tool is read-only and does not run JavaScript: pages that build their content in the browser may come back nearly empty.
- The user may be asked to approve the fetch.`;

const parameters = z.object({
  url: z.string().describe('The URL to fetch, starting with http:// or https://'),
  format: z
    .enum(FORMATS)
    .default('markdown')
    .describe('What to return: "markdown" (default), "text" or "html"'),
  timeout: z
    .number()
    .positive()
    .optional()
    .describe(
      `Timeout in seconds (default ${DEFAULT_TIMEOUT_SECONDS}, max ${MAX_TIMEOUT_SECONDS})`,
    ),
});

export const webfetchTool = defineTool({
  id: 'webfetch',
  readOnly: true,
  description: DESCRIPTION,
  parameters,
  async execute(input, ctx): Promise<ToolResult> {
    const url = parseHttpUrl(input.url);
    await ctx.ask({
      permission: 'webfetch',
      patterns: [input.url],
      always: ['*'],
      metadata: { url: input.url, format: input.format, timeout: input.timeout },
    });

    const seconds = Math.min(input.timeout ?? DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS);
    const timer = AbortSignal.timeout(seconds * 1000);
    const signal = AbortSignal.any([ctx.abort, timer]);
    let fetched: { body: Buffer; contentType: string };
    try {
      fetched = await download(url, input.format, signal);
    } catch (error) {
      if (ctx.abort.aborted) throw ctx.abort.reason ?? error;
      if (timer.aborted) {
        throw new ToolExecutionError(`Request to ${input.url} timed out after ${seconds} seconds.`);
      }
      if (error instanceof ToolExecutionError) throw error;
      throw new ToolExecutionError(`Request to ${input.url} failed: ${fetchErrorMessage(error)}`);
    }

    const { body, contentType } = fetched;
    const mime = contentType.split(';')[0].trim().toLowerCase();
    const title = `${input.url} (${contentType || 'unknown type'})`;
    if (mime.startsWith('image/') && mime !== 'image/svg+xml') {
      return {
        title,
        output: 'Image fetched successfully',
        metadata: { url: input.url, contentType, bytes: body.length },
        attachments: [{ mime, url: `data:${mime};base64,${body.toString('base64')}` }],
      };
    }

    const text = decode(body, contentType);
    const isHtml = mime === 'text/html' || mime === 'application/xhtml+xml';
    let content: string;
    switch (input.format) {
      case 'markdown':
        content = isHtml ? await htmlToMarkdown(text) : text;
        break;
      case 'text':
        content = isHtml ? htmlToText(text) : text;
        break;
      case 'html':
        content = text;
        break;
    }
    const { text: output, truncated } = truncateOutput(content);
    return {
      title,
      output,
      metadata: { url: input.url, contentType, bytes: body.length, truncated },
    };
  },
});

function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ToolExecutionError(
      `Invalid URL: ${raw}. Give a complete URL starting with http:// or https://.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolExecutionError(
      `Unsupported URL scheme "${url.protocol}": only http:// and https:// URLs can be fetched.`,
    );
  }
  return url;
}

async function download(
  url: URL,
  format: Format,
  signal: AbortSignal,
): Promise<{ body: Buffer; contentType: string }> {
  const headers = {
    'User-Agent': BROWSER_USER_AGENT,
    Accept: ACCEPT[format],
    'Accept-Language': 'en-US,en;q=0.9',
  };
  let response = await fetch(url, { signal, headers, redirect: 'follow' });
  // Cloudflare challenges a browser user agent whose TLS does not look like a browser's.
  if (response.status === 403 && response.headers.get('cf-mitigated') === 'challenge') {
    await response.body?.cancel();
    response = await fetch(url, { signal, headers: { ...headers, 'User-Agent': 'opencode' } });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ToolExecutionError(
      `Request to ${url.href} failed with status ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
    );
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  return {
    body: await readCapped(response),
    contentType: response.headers.get('content-type') ?? '',
  };
}

/** Reads the body, giving up as soon as it passes the size limit (a lying or absent length). */
async function readCapped(response: Response): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(): ToolExecutionError {
  return new ToolExecutionError(
    `Response too large: it exceeds the ${MAX_RESPONSE_BYTES / (1024 * 1024)} MB limit.`,
  );
}

function decode(body: Buffer, contentType: string): string {
  const charset = /charset=["']?([^;"'\s]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** turndown is loaded on the first HTML page fetched, not at server start. */
async function htmlToMarkdown(html: string): Promise<string> {
  const { default: TurndownService } = await import('turndown');
  const turndown = new TurndownService({
    headingStyle: 'atx',
    hr: '---',
    bulletListMarker: '-',
    codeBlockStyle: 'fenced',
    emDelimiter: '*',
  });
  turndown.remove(['script', 'style', 'meta', 'link', 'noscript', 'iframe', 'object', 'embed']);
  return turndown.turndown(html);
}

const SKIPPED_ELEMENTS =
  /<(script|style|noscript|iframe|object|embed|template|svg|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const BLOCK_BREAKS =
  /<\/?(p|div|section|article|header|footer|nav|main|aside|h[1-6]|li|ul|ol|tr|table|blockquote|pre|br|hr)\b[^>]*>/gi;

/** The page's visible text: markup, scripts and styles removed, entities decoded. */
function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(SKIPPED_ELEMENTS, '')
    .replace(BLOCK_BREAKS, '\n')
    .replace(/<[^>]+>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  laquo: '«',
  raquo: '»',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X'
          ? parseInt(name.slice(2), 16)
          : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  });
}

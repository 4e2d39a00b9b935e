import { createHash } from 'node:crypto';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { Part } from '../session/dto/part.dto';
import type { Session } from '../session/dto/session.dto';

/** A tool's output longer than this is cut on the page (the JSON at `/data` has it whole). */
const MAX_OUTPUT_CHARS = 20_000;

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;background:#fff}
header{border-bottom:1px solid #ddd;margin-bottom:1.5rem}
h1{font-size:1.4rem;margin:0 0 .25rem}
.meta{color:#666;font-size:.85rem}
article{margin:0 0 1.25rem;padding:.75rem 1rem;border-radius:8px;background:#f6f6f7}
article.user{background:#eef4ff}
article h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:#555;margin:0 0 .5rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:.5rem;font-size:.85rem}
details{margin:.5rem 0}
summary{cursor:pointer;color:#333}
.note{color:#666;font-size:.85rem;font-style:italic}
.error{color:#a40000}
@media (prefers-color-scheme:dark){body{color:#e6e6e6;background:#161618}article{background:#222226}article.user{background:#1d2638}pre{background:#161618;border-color:#333}.meta,.note{color:#999}article h2{color:#aaa}summary{color:#ccc}.error{color:#ff7b7b}}
`.trim();

/**
 * The page's policy: nothing runs and nothing loads. No script at all, no image, font, frame or
 * connection; the one inline style sheet is allowed by its hash, so even markup that slipped
 * through escaping could not add styles or scripts. Not framed (clickjacking), no form target,
 * no `<base>`.
 */
export const SHARE_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The read-only HTML page of a shared session: its title and every message with its text,
 * reasoning, tool calls (input, output, errors), files and changes. Server-rendered, without
 * script; every value from the conversation goes through {@link escapeHtml}.
 */
export function renderSharePage(session: Session, messages: MessageWithParts[]): string {
  const title = escapeHtml(session.title);
  const body = messages.map(renderMessage).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title} · opencode</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="meta">Shared opencode session · started ${escapeHtml(isoTime(session.time.created))} · ${messages.length} ${messages.length === 1 ? 'message' : 'messages'}</p>
</header>
<main>
${body || '<p class="note">No messages yet.</p>'}
</main>
</body>
</html>
`;
}

function renderMessage({ info, parts }: MessageWithParts): string {
  const who =
    info.role === 'user'
      ? 'User'
      : `Assistant · ${info.providerID}/${info.modelID}${info.agent ? ` · ${info.agent}` : ''}`;
  const rendered = parts.map(renderPart).filter((html) => html !== '');
  if (info.role === 'assistant' && info.error) {
    const data = info.error.data as { message?: unknown } | undefined;
    const message = typeof data?.message === 'string' ? `: ${data.message}` : '';
    rendered.push(`<p class="error">${escapeHtml(`${info.error.name}${message}`)}</p>`);
  }
  return `<article class="${info.role}">
<h2>${escapeHtml(who)} · ${escapeHtml(isoTime(info.time.created))}</h2>
${rendered.join('\n')}
</article>`;
}

function renderPart(part: Part): string {
  switch (part.type) {
    case 'text':
      if (part.ignored) return '';
      return `<div class="text">${escapeHtml(part.text)}</div>`;
    case 'reasoning':
      return details('Reasoning', `<div class="text">${escapeHtml(part.text)}</div>`);
    case 'tool': {
      const { state } = part;
      const title = 'title' in state && state.title ? ` · ${state.title}` : '';
      const sections = [`<pre>${escapeHtml(JSON.stringify(state.input, null, 2))}</pre>`];
      if (state.status === 'completed')
        sections.push(`<pre>${escapeHtml(cut(state.output))}</pre>`);
      if (state.status === 'error')
        sections.push(`<pre class="error">${escapeHtml(state.error)}</pre>`);
      return details(`Tool ${part.tool} · ${state.status}${title}`, sections.join('\n'));
    }
    case 'file':
      return `<p class="note">Attached file: ${escapeHtml(part.filename ?? part.mime)} (${escapeHtml(part.mime)})</p>`;
    case 'patch':
      return details(
        `Changed ${part.files.length} ${part.files.length === 1 ? 'file' : 'files'}`,
        `<pre>${escapeHtml(part.files.join('\n'))}</pre>`,
      );
    case 'subtask':
      return `<p class="note">Subtask for ${escapeHtml(part.agent)}: ${escapeHtml(part.description)}</p>`;
    case 'agent':
      return `<p class="note">Agent @${escapeHtml(part.name)}</p>`;
    case 'compaction':
      return '<p class="note">The conversation was summarized here.</p>';
    case 'retry':
      return `<p class="note">Retry ${part.attempt}: ${escapeHtml(part.error.data.message)}</p>`;
    default:
      // step-start, step-finish and snapshot mark the turn's steps: nothing to read.
      return '';
  }
}

function details(summary: string, content: string): string {
  return `<details><summary>${escapeHtml(summary)}</summary>\n${content}\n</details>`;
}

function cut(text: string): string {
  if (text.length <= MAX_OUTPUT_CHARS) return text;
  return `${text.slice(0, MAX_OUTPUT_CHARS)}\n… (${text.length - MAX_OUTPUT_CHARS} more characters)`;
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or attribute value: the five characters with a meaning in markup escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

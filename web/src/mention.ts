import type { FilePartInput, TextPartInput } from '@opencode-ai/sdk/v2/client';

/** The `@word` being typed at the caret: what to look up in the project's files. */
export interface ActiveMention {
  /** Index of the `@`. */
  start: number;
  /** What follows the `@` up to the caret. */
  query: string;
}

/**
 * The mention the caret is in, if any: an `@` at the start of the text or after white space,
 * followed by no white space up to the caret (so `a@b.c`, an e-mail address, is not one).
 */
export function activeMention(text: string, caret: number): ActiveMention | undefined {
  let start = caret;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  if (text[start] !== '@') return undefined;
  return { start, query: text.slice(start + 1, caret) };
}

/** The text with the mention at the caret replaced by `@path ` and where the caret goes next. */
export function completeMention(
  text: string,
  mention: ActiveMention,
  caret: number,
  path: string,
): { text: string; caret: number } {
  const inserted = `@${path} `;
  const rest = text.slice(caret).replace(/^\S*/, '').replace(/^ /, '');
  return {
    text: text.slice(0, mention.start) + inserted + rest,
    caret: mention.start + inserted.length,
  };
}

/** One `@path` of the text that names a file picked from the suggestions. */
export interface FileMention {
  path: string;
  start: number;
  end: number;
}

/**
 * The mentions still in the text of the files the user picked. A path typed by hand is not
 * attached: `@` alone is too common in prose (decorators, handles) to guess at.
 */
export function findMentions(text: string, picked: ReadonlySet<string>): FileMention[] {
  const mentions: FileMention[] = [];
  for (const match of text.matchAll(/(^|\s)@(\S+)/g)) {
    const path = match[2]!.replace(/[.,;:!?)]+$/, '');
    if (!picked.has(path)) continue;
    const start = match.index + match[1]!.length;
    mentions.push({ path, start, end: start + 1 + path.length });
  }
  return mentions;
}

/** A path as a `file://` URL, every character the URL syntax reserves escaped. */
export function fileUrl(directory: string, path: string): string {
  const absolute = path.startsWith('/') ? path : `${directory.replace(/\/+$/, '')}/${path}`;
  return `file://${absolute.split('/').map(encodeURIComponent).join('/')}`;
}

/** The parts of a prompt: its text, then each mentioned file once, attached by URL. */
export function promptParts(
  text: string,
  picked: ReadonlySet<string>,
  directory: string,
): Array<TextPartInput | FilePartInput> {
  const parts: Array<TextPartInput | FilePartInput> = [{ type: 'text', text }];
  const seen = new Set<string>();
  for (const mention of findMentions(text, picked)) {
    if (seen.has(mention.path)) continue;
    seen.add(mention.path);
    parts.push({
      type: 'file',
      mime: 'text/plain',
      filename: mention.path,
      url: fileUrl(directory, mention.path),
      source: {
        type: 'file',
        path: mention.path,
        text: { value: `@${mention.path}`, start: mention.start, end: mention.end },
      },
    });
  }
  return parts;
}

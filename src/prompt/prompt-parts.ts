import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadRequestError } from '../core/errors/named-error';
import type { Instance } from '../core/instance/instance';
import { evaluate, type PermissionRule } from '../permission/permission-rules';
import type { FilePart, Part } from '../session/dto/part.dto';
import { isInsideProject, realPathOfNearest, toPosix } from '../tool/file-access';
import type { PartInput } from './dto/prompt-input.dto';

/** Largest file a prompt may attach, whether by `file://` path or inline `data:` URL. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/**
 * Turns the parts of a prompt into stored parts. File parts are read now, through the same
 * project jail as the file API: a `file://` path outside the project is read only when the
 * `external_directory` permission is configured to allow it (no one can be asked yet: no tool
 * is running), so by default it is a 400 and nothing is read. Their content is stored as a
 * `data:` URL, so the conversation does not change when the file does.
 */
export async function toStoredParts(
  instance: Instance,
  ids: { sessionID: string; messageID: string; newPartID: () => string },
  inputs: PartInput[],
  rules: readonly PermissionRule[],
): Promise<Part[]> {
  const parts: Part[] = [];
  for (const [index, input] of inputs.entries()) {
    const base = {
      id: input.id ?? ids.newPartID(),
      sessionID: ids.sessionID,
      messageID: ids.messageID,
    };
    switch (input.type) {
      case 'text':
        parts.push({ ...base, ...input, ...base });
        break;
      case 'agent':
        parts.push({ ...base, ...input, ...base });
        break;
      case 'subtask':
        parts.push({ ...base, ...input, ...base });
        break;
      case 'file':
        parts.push({
          ...base,
          type: 'file',
          mime: input.mime,
          url: await attachmentURL(instance, input.url, input.mime, rules, index),
          ...(input.filename && { filename: input.filename }),
          ...(input.source && { source: input.source as unknown as FilePart['source'] }),
        });
        break;
    }
  }
  return parts;
}

async function attachmentURL(
  instance: Instance,
  url: string,
  mime: string,
  rules: readonly PermissionRule[],
  index: number,
): Promise<string> {
  const field = `parts.${index}.url`;
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const payload = comma < 0 ? '' : url.slice(comma + 1);
    const size = url.slice(0, comma).endsWith(';base64')
      ? Math.floor((payload.length * 3) / 4)
      : payload.length;
    if (comma < 0) throw new BadRequestError('data: URL without a payload', 'Body', field);
    if (size > MAX_ATTACHMENT_BYTES) {
      throw new BadRequestError(
        `attachment is larger than ${MAX_ATTACHMENT_BYTES} bytes`,
        'Body',
        field,
      );
    }
    return url;
  }
  if (!url.startsWith('file://')) {
    throw new BadRequestError('file parts take file:// or data: URLs', 'Body', field);
  }
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    throw new BadRequestError('not a valid file:// URL', 'Body', field);
  }
  const real = await realPathOfNearest(path);
  if (!isInsideProject(instance, path) || !isInsideProject(instance, real)) {
    const pattern = toPosix(join(dirname(real), '*'));
    // Deliberate difference: the original reads any file named here, even with external
    // directories denied.
    if (evaluate(rules, 'external_directory', pattern) !== 'allow') {
      throw new BadRequestError(
        `${path} is outside the project and external_directory is not allowed`,
        'Body',
        field,
      );
    }
  }
  const info = await stat(real).catch(() => undefined);
  if (!info) throw new BadRequestError(`file not found: ${path}`, 'Body', field);
  if (!info.isFile()) throw new BadRequestError(`not a file: ${basename(path)}`, 'Body', field);
  if (info.size > MAX_ATTACHMENT_BYTES) {
    throw new BadRequestError(`file is larger than ${MAX_ATTACHMENT_BYTES} bytes`, 'Body', field);
  }
  const content = await readFile(real);
  return `data:${mime};base64,${content.toString('base64')}`;
}

import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeDataURL } from '../core/data-url';
import { locateInProject, toPosix } from '../core/fs/jail';
import { BadRequestError } from '../core/errors/named-error';
import type { Instance } from '../core/instance/instance';
import { evaluate, type PermissionRule } from '../permission/permission-rules';
import type { FilePart, Part } from '../session/dto/part.dto';
import type { PartInput } from './dto/prompt-input.dto';

/** Largest file a prompt may attach, whether by `file://` path or inline `data:` URL. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** The mime type of a plain-text attachment, which the model reads as a call of the read tool. */
const TEXT_ATTACHMENT = 'text/plain';

/**
 * Reads a file as the read tool does, for the user (no one is asked: the prompt passed the
 * project jail already); resolves with the tool's output, rejects with its error.
 */
export type ReadForUser = (file: string) => Promise<string>;

/**
 * Turns the parts of a prompt into stored parts. File parts are read now, judged by the project
 * jail as the file tools judge a path: a `file://` path outside the project is read only when the
 * `external_directory` permission is configured to allow it (no one can be asked yet: no tool
 * is running), so by default it is a 400 and nothing is read. Their content is stored as a
 * `data:` URL, so the conversation does not change when the file does.
 *
 * A plain-text file is preceded, as the reference stores it, by two synthetic text parts: "Called
 * the Read tool with the following input: {filePath}" and what the read tool answers for it (the
 * decoded text for an inline `data:` URL). The model reads those instead of the file part.
 */
export async function toStoredParts(
  instance: Instance,
  ids: { sessionID: string; messageID: string; newPartID: () => string },
  inputs: PartInput[],
  rules: readonly PermissionRule[],
  readForUser: ReadForUser,
): Promise<Part[]> {
  const parts: Part[] = [];
  for (const [index, input] of inputs.entries()) {
    // Taken when the part is stored: parts are listed in id order, so synthetic parts placed
    // before a file part get their ids first.
    const base = () => ({
      id: input.id ?? ids.newPartID(),
      sessionID: ids.sessionID,
      messageID: ids.messageID,
    });
    switch (input.type) {
      case 'text':
      case 'agent':
      case 'subtask': {
        const own = base();
        parts.push({ ...own, ...input, ...own });
        break;
      }
      case 'file': {
        const attachment = await readAttachment(instance, input.url, input.mime, rules, index);
        if (input.mime === TEXT_ATTACHMENT) {
          const filePath = attachment.path ?? input.filename ?? 'attachment.txt';
          const synthetic = (text: string): Part => ({
            id: ids.newPartID(),
            sessionID: ids.sessionID,
            messageID: ids.messageID,
            type: 'text',
            text,
            synthetic: true,
          });
          parts.push(
            synthetic(
              `Called the Read tool with the following input: ${JSON.stringify({ filePath })}`,
            ),
            synthetic(
              attachment.path
                ? await readForUser(attachment.path).catch(
                    (error: unknown) =>
                      `The read tool could not read ${filePath}: ${error instanceof Error ? error.message : String(error)}`,
                  )
                : decodeDataURL(attachment.url),
            ),
          );
        }
        parts.push({
          ...base(),
          type: 'file',
          mime: input.mime,
          url: attachment.url,
          ...(input.filename && { filename: input.filename }),
          ...(input.source && { source: input.source as unknown as FilePart['source'] }),
        });
        break;
      }
    }
  }
  return parts;
}

/**
 * The attachment as a `data:` URL (checked against the size cap), and for a `file://` URL the
 * file's path (read through the project jail).
 */
async function readAttachment(
  instance: Instance,
  url: string,
  mime: string,
  rules: readonly PermissionRule[],
  index: number,
): Promise<{ url: string; path?: string }> {
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
    return { url };
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
  // `%00` decodes to a NUL byte, which names no file.
  if (path.includes('\0')) throw new BadRequestError('not a valid file:// URL', 'Body', field);
  const { real, inside } = await locateInProject(instance, path);
  if (!inside) {
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
  return { url: `data:${mime};base64,${content.toString('base64')}`, path };
}

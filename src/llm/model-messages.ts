import type { AssistantContent, ModelMessage, ToolContent, UserContent } from 'ai';
import { decodeDataURL } from '../core/data-url';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { FilePart, Part, ToolStateCompletedDto } from '../session/dto/part.dto';
import { truncateOutput } from '../core/tool-output';

/** What the model is told for a tool call that never finished (aborted, server stopped). */
export const INTERRUPTED_TOOL_OUTPUT = 'Tool execution was interrupted';

/**
 * What the model reads in place of a tool output cleared from its context (compaction prunes old
 * outputs by marking them `time.compacted`; the stored output stays for clients).
 */
export const CLEARED_TOOL_OUTPUT = '[Earlier tool output, cleared to save context]';

/**
 * Turns stored messages into the AI SDK's conversation: user text and files, assistant text,
 * reasoning and tool calls, with each tool call followed by its result (or its error), so the
 * model sees exactly what happened in earlier steps and turns.
 */
export function toModelMessages(
  history: MessageWithParts[],
  options: {
    /** Cuts each tool output to this many characters (a summary of an overlong conversation). */
    toolOutputLimit?: number;
  } = {},
): ModelMessage[] {
  const messages: ModelMessage[] = [];
  for (const { info, parts } of history) {
    if (info.role === 'user') {
      const content: UserContent = [];
      for (const [index, part] of parts.entries()) {
        switch (part.type) {
          case 'text':
            if (!part.ignored && part.text) content.push({ type: 'text', text: part.text });
            break;
          case 'file':
            // A plain-text file comes after its content as synthetic text (prompt/prompt-parts.ts):
            // given twice, the model would read it twice.
            if (!isReadBack(part, parts[index - 1])) content.push(...filePartContent(part));
            break;
          case 'agent':
            content.push({
              type: 'text',
              text: `Use the ${part.name} agent (task tool, subagent_type "${part.name}") for this request.`,
            });
            break;
          case 'subtask':
            content.push({
              type: 'text',
              text: `Subtask for the ${part.agent} agent: ${part.prompt}`,
            });
            break;
          default:
            break;
        }
      }
      if (content.length > 0) messages.push({ role: 'user', content });
      continue;
    }
    // An assistant message that failed before producing anything adds nothing to the context.
    const assistant: Exclude<AssistantContent, string> = [];
    const results: ToolContent = [];
    for (const part of parts) {
      switch (part.type) {
        case 'text':
          if (part.text) assistant.push({ type: 'text', text: part.text });
          break;
        case 'reasoning':
          if (part.text) assistant.push({ type: 'reasoning', text: part.text });
          break;
        case 'tool': {
          const { state } = part;
          assistant.push({
            type: 'tool-call',
            toolCallId: part.callID,
            toolName: part.tool,
            input: state.input,
          });
          if (state.status === 'completed') {
            results.push({
              type: 'tool-result',
              toolCallId: part.callID,
              toolName: part.tool,
              output: { type: 'text', value: outputForModel(state, options.toolOutputLimit) },
            });
          } else {
            const error = state.status === 'error' ? state.error : INTERRUPTED_TOOL_OUTPUT;
            results.push({
              type: 'tool-result',
              toolCallId: part.callID,
              toolName: part.tool,
              output: { type: 'error-text', value: error },
            });
          }
          break;
        }
        default:
          break;
      }
    }
    if (assistant.length > 0) messages.push({ role: 'assistant', content: assistant });
    if (results.length > 0) messages.push({ role: 'tool', content: results });
    // Attachments returned by tools (images read from disk) reach the model as user content.
    const attachments = parts.flatMap((part) =>
      part.type === 'tool' && part.state.status === 'completed'
        ? (part.state.attachments ?? [])
        : [],
    );
    if (attachments.length > 0)
      messages.push({ role: 'user', content: attachments.flatMap(filePartContent) });
  }
  return messages;
}

/** A tool's output as the model reads it: cleared once pruned, else cut to the limit if any. */
function outputForModel(state: ToolStateCompletedDto, limit: number | undefined): string {
  if (state.time.compacted !== undefined) return CLEARED_TOOL_OUTPUT;
  return limit ? truncateOutput(state.output, limit).text : state.output;
}

function isReadBack(file: FilePart, before: Part | undefined): boolean {
  return file.mime === 'text/plain' && before?.type === 'text' && before.synthetic === true;
}

/** A stored file part as model input: images as images, text as text, other files as files. */
function filePartContent(
  part: Pick<FilePart, 'mime' | 'url' | 'filename'>,
): Exclude<UserContent, string> {
  if (!part.url.startsWith('data:')) return [];
  const comma = part.url.indexOf(',');
  const data = part.url.slice(comma + 1);
  const isBase64 = part.url.slice(0, comma).endsWith(';base64');
  if (part.mime.startsWith('text/') || part.mime === 'application/json') {
    const text = decodeDataURL(part.url);
    const label = part.filename ? `File: ${part.filename}\n` : '';
    return [{ type: 'text', text: `${label}${text}` }];
  }
  const bytes = isBase64
    ? Buffer.from(data, 'base64')
    : Buffer.from(decodeURIComponent(data), 'utf8');
  if (part.mime.startsWith('image/'))
    return [{ type: 'image', image: bytes, mediaType: part.mime }];
  return [
    {
      type: 'file',
      data: bytes,
      mediaType: part.mime,
      ...(part.filename && { filename: part.filename }),
    },
  ];
}

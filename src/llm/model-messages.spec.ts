import type { AssistantMessage, UserMessage } from '../session/dto/message.dto';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { FilePart, Part, ToolPart } from '../session/dto/part.dto';
import { CLEARED_TOOL_OUTPUT, INTERRUPTED_TOOL_OUTPUT, toModelMessages } from './model-messages';

const user: UserMessage = {
  id: 'msg_1',
  sessionID: 'ses_1',
  role: 'user',
  time: { created: 1 },
  agent: 'build',
  model: { providerID: 'fake', modelID: 'fake-model' },
};
const assistant: AssistantMessage = {
  id: 'msg_2',
  sessionID: 'ses_1',
  role: 'assistant',
  time: { created: 2 },
  parentID: 'msg_1',
  modelID: 'fake-model',
  providerID: 'fake',
  mode: 'build',
  agent: 'build',
  path: { cwd: '/work/app', root: '/work/app' },
  cost: 0,
  tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
};

let partID = 0;
/** Each part type without the fields every part has (one Omit per member of the union). */
type PartFields<P> = P extends Part ? Omit<P, 'id' | 'sessionID' | 'messageID'> : never;

function part<P extends Part = Part>(messageID: string, fields: PartFields<P>): P {
  return { id: `prt_${++partID}`, sessionID: 'ses_1', messageID, ...fields } as unknown as P;
}

function toolCall(callID: string, state: ToolPart['state']): ToolPart {
  return part<ToolPart>('msg_2', { type: 'tool', callID, tool: 'read', state });
}

const time = { start: 1, end: 2 };

describe('toModelMessages', () => {
  it('sends the text, agents and subtasks of the user, and leaves ignored text out', () => {
    const history: MessageWithParts[] = [
      {
        info: user,
        parts: [
          part('msg_1', { type: 'text', text: 'Fix the bug' }),
          part('msg_1', { type: 'text', text: 'hidden', ignored: true }),
          part('msg_1', { type: 'agent', name: 'explore' }),
          part('msg_1', {
            type: 'subtask',
            agent: 'explore',
            prompt: 'find it',
            description: 'd',
          }),
        ],
      },
    ];
    expect(toModelMessages(history)).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Fix the bug' },
          {
            type: 'text',
            text: 'Use the explore agent (task tool, subagent_type "explore") for this request.',
          },
          { type: 'text', text: 'Subtask for the explore agent: find it' },
        ],
      },
    ]);
  });

  it('sends attached files by kind, and a text file read back as synthetic text only once', () => {
    const png = Buffer.from([0x89, 0x50]).toString('base64');
    const history: MessageWithParts[] = [
      {
        info: user,
        parts: [
          part('msg_1', { type: 'file', mime: 'image/png', url: `data:image/png;base64,${png}` }),
          part('msg_1', {
            type: 'file',
            mime: 'application/json',
            filename: 'a.json',
            url: 'data:application/json,%7B%7D',
          }),
          part('msg_1', { type: 'text', text: 'Called the Read tool', synthetic: true }),
          part('msg_1', { type: 'file', mime: 'text/plain', url: 'data:text/plain,hi' }),
          part('msg_1', { type: 'file', mime: 'image/png', url: 'file:///work/app/x.png' }),
        ],
      },
    ];
    const [message] = toModelMessages(history);
    expect(message.content).toEqual([
      { type: 'image', image: Buffer.from([0x89, 0x50]), mediaType: 'image/png' },
      { type: 'text', text: 'File: a.json\n{}' },
      { type: 'text', text: 'Called the Read tool' },
    ]);
  });

  it('follows each tool call with its result, its error, or that it was interrupted', () => {
    const history: MessageWithParts[] = [
      {
        info: assistant,
        parts: [
          part('msg_2', { type: 'reasoning', text: 'thinking', time }),
          part('msg_2', { type: 'text', text: 'Reading', time }),
          toolCall('c1', {
            status: 'completed',
            input: { filePath: 'a' },
            output: 'A',
            title: 'a',
            metadata: {},
            time,
          }),
          toolCall('c2', { status: 'error', input: {}, error: 'no such file', time }),
          toolCall('c3', { status: 'running', input: {}, time: { start: 1 } }),
        ],
      },
    ];
    expect(toModelMessages(history)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'thinking' },
          { type: 'text', text: 'Reading' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'read', input: { filePath: 'a' } },
          { type: 'tool-call', toolCallId: 'c2', toolName: 'read', input: {} },
          { type: 'tool-call', toolCallId: 'c3', toolName: 'read', input: {} },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c1',
            toolName: 'read',
            output: { type: 'text', value: 'A' },
          },
          {
            type: 'tool-result',
            toolCallId: 'c2',
            toolName: 'read',
            output: { type: 'error-text', value: 'no such file' },
          },
          {
            type: 'tool-result',
            toolCallId: 'c3',
            toolName: 'read',
            output: { type: 'error-text', value: INTERRUPTED_TOOL_OUTPUT },
          },
        ],
      },
    ]);
  });

  it('reads a pruned output as the placeholder, and cuts outputs to a limit when asked', () => {
    const output = 'x'.repeat(50);
    const history: MessageWithParts[] = [
      {
        info: assistant,
        parts: [
          toolCall('c1', {
            status: 'completed',
            input: {},
            output,
            title: 'a',
            metadata: {},
            time: { ...time, compacted: 3 },
          }),
          toolCall('c2', {
            status: 'completed',
            input: {},
            output,
            title: 'b',
            metadata: {},
            time,
          }),
        ],
      },
    ];
    const results = (limit?: number) =>
      toModelMessages(history, { toolOutputLimit: limit })[1].content as {
        output: { value: string };
      }[];
    expect(results().map((result) => result.output.value)).toEqual([CLEARED_TOOL_OUTPUT, output]);
    expect(results(10)[1].output.value).toMatch(/^x{10}\n\n\(Output truncated: 40 more/);
  });

  it('hands images a tool returned to the model as user content after the results', () => {
    const url = `data:image/png;base64,${Buffer.from('img').toString('base64')}`;
    const history: MessageWithParts[] = [
      {
        info: assistant,
        parts: [
          toolCall('c1', {
            status: 'completed',
            input: {},
            output: 'Image read',
            title: 'x.png',
            metadata: {},
            time,
            attachments: [part<FilePart>('msg_2', { type: 'file', mime: 'image/png', url })],
          }),
        ],
      },
    ];
    const messages = toModelMessages(history);
    expect(messages.map((message) => message.role)).toEqual(['assistant', 'tool', 'user']);
    expect(messages[2].content).toEqual([
      { type: 'image', image: Buffer.from('img'), mediaType: 'image/png' },
    ]);
  });

  it('adds nothing for an answer that failed before it produced anything', () => {
    const history: MessageWithParts[] = [
      { info: user, parts: [part('msg_1', { type: 'text', text: 'hi' })] },
      {
        info: { ...assistant, error: { name: 'UnknownError', data: { message: 'x' } } },
        parts: [],
      },
    ];
    expect(toModelMessages(history).map((message) => message.role)).toEqual(['user']);
  });
});

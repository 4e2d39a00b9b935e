import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';

/**
 * Files attached to a prompt, as the reference stores them: a plain-text file is preceded by two
 * synthetic text parts (the read tool's call and its answer), which is what the model reads.
 */
describe('agent loop: files attached to a prompt', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp();
    writeFileSync(join(t.directory, 'notes.txt'), 'first line\nsecond line\n');
  });
  afterAll(() => t.close());

  function userContent() {
    const messages = requestMessages(turnRequests(t.model).at(-1)!);
    return messages.filter((message) => message.role === 'user').at(-1)!.content;
  }

  it('stores a file:// text file after the read tool call and its output', async () => {
    const sessionID = await t.createSession('attach file');
    const file = join(t.directory, 'notes.txt');
    const url = `file://${file}`;
    t.model.enqueue({ text: 'seen' });
    await t.prompt(sessionID, {
      parts: [
        { type: 'text', text: 'look at this' },
        { type: 'file', mime: 'text/plain', url, filename: 'notes.txt' },
      ],
    });
    const [user] = await t.messages(sessionID);
    expect(user.parts.map((part) => [part.type, part.synthetic ?? false])).toEqual([
      ['text', false],
      ['text', true],
      ['text', true],
      ['file', false],
    ]);
    expect(user.parts[1].text).toBe(
      `Called the Read tool with the following input: ${JSON.stringify({ filePath: file })}`,
    );
    expect(user.parts[2].text).toContain(`<path>${file}</path>`);
    expect(user.parts[2].text).toContain('1: first line\n2: second line');
    expect(user.parts[3]).toMatchObject({
      type: 'file',
      mime: 'text/plain',
      filename: 'notes.txt',
      url: `data:text/plain;base64,${Buffer.from('first line\nsecond line\n').toString('base64')}`,
    });

    // The model reads the call and the output once each, not the file part a second time.
    const content = JSON.stringify(userContent());
    expect(content).toContain('Called the Read tool');
    expect(content.split('first line').length - 1).toBe(1);
  });

  it('stores an inline data: text file with its file name and decoded text', async () => {
    const sessionID = await t.createSession('attach data');
    const text = 'inline content\nline 2\n';
    t.model.enqueue({ text: 'seen' });
    await t.prompt(sessionID, {
      parts: [
        {
          type: 'file',
          mime: 'text/plain',
          url: `data:text/plain;base64,${Buffer.from(text).toString('base64')}`,
          filename: 'pasted.txt',
        },
        { type: 'text', text: 'what is this?' },
      ],
    });
    const [user] = await t.messages(sessionID);
    expect(user.parts.map((part) => part.text ?? part.type)).toEqual([
      'Called the Read tool with the following input: {"filePath":"pasted.txt"}',
      text,
      'file',
      'what is this?',
    ]);
    expect(JSON.stringify(userContent()).split('inline content').length - 1).toBe(1);
  });

  it('counts the attached file as read: the model may edit it at once', async () => {
    const sessionID = await t.createSession('attach then edit');
    writeFileSync(join(t.directory, 'edit-me.txt'), 'old value\n');
    t.model.enqueue(
      {
        toolCalls: [
          {
            name: 'edit',
            arguments: {
              filePath: join(t.directory, 'edit-me.txt'),
              oldString: 'old value',
              newString: 'new value',
            },
          },
        ],
      },
      { text: 'edited' },
    );
    await t.prompt(sessionID, {
      parts: [
        { type: 'text', text: 'change it' },
        { type: 'file', mime: 'text/plain', url: `file://${join(t.directory, 'edit-me.txt')}` },
      ],
    });
    const tool = (await t.messages(sessionID))[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('completed');
    expect(readFileSync(join(t.directory, 'edit-me.txt'), 'utf8')).toBe('new value\n');
  });

  it('says so when the file cannot be read as text, and keeps other types as they were', async () => {
    const sessionID = await t.createSession('attach binary');
    writeFileSync(join(t.directory, 'blob.bin'), Buffer.from([0, 1, 2, 3, 0, 255]));
    t.model.enqueue({ text: 'ok' });
    await t.prompt(sessionID, {
      parts: [
        { type: 'file', mime: 'text/plain', url: `file://${join(t.directory, 'blob.bin')}` },
        {
          type: 'file',
          mime: 'text/markdown',
          url: `data:text/markdown,${encodeURIComponent('# Title')}`,
        },
      ],
    });
    const [user] = await t.messages(sessionID);
    expect(user.parts.map((part) => part.type)).toEqual(['text', 'text', 'file', 'file']);
    expect(user.parts[1].text).toMatch(/could not read .*blob\.bin: Cannot read binary file/);
    expect(JSON.stringify(userContent())).toContain('# Title');
  });
});

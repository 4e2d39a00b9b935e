import type { INestApplication } from '@nestjs/common';
import { IdGenerator } from '../../src/core/id';
import type { Instance } from '../../src/core/instance/instance';
import { InstanceService } from '../../src/core/instance/instance.service';
import type { AssistantMessage, UserMessage } from '../../src/session/dto/message.dto';
import type { MessageWithParts } from '../../src/session/dto/message-with-parts.dto';
import type { Part } from '../../src/session/dto/part.dto';
import { MessageService } from '../../src/session/message.service';

/**
 * Builds and stores conversations through the real `MessageService`, as the agent loop will:
 * the message routes are read-only, so tests seed what they read.
 */
export class SessionFactory {
  private readonly ids: IdGenerator;
  private readonly messages: MessageService;

  constructor(
    private readonly app: INestApplication,
    readonly instance: Instance,
  ) {
    this.ids = app.get(IdGenerator);
    this.messages = app.get(MessageService);
  }

  static async create(app: INestApplication, directory: string): Promise<SessionFactory> {
    const instance = await app.get(InstanceService).resolve(directory);
    return new SessionFactory(app, instance);
  }

  userMessage(sessionID: string, text: string): MessageWithParts {
    const info: UserMessage = {
      id: this.ids.ascending('message'),
      sessionID,
      role: 'user',
      time: { created: Date.now() },
      agent: 'build',
      model: { providerID: 'fake', modelID: 'fake-model' },
    };
    return { info, parts: [this.textPart(sessionID, info.id, text)] };
  }

  /** An assistant answer with a step, a tool call and text, as a turn stores it. */
  assistantMessage(sessionID: string, parentID: string, text: string): MessageWithParts {
    const now = Date.now();
    const info: AssistantMessage = {
      id: this.ids.ascending('message'),
      sessionID,
      role: 'assistant',
      time: { created: now, completed: now },
      parentID,
      modelID: 'fake-model',
      providerID: 'fake',
      mode: 'build',
      agent: 'build',
      path: { cwd: this.instance.directory, root: this.instance.worktree },
      cost: 0,
      tokens: { total: 3, input: 2, output: 1, reasoning: 0, cache: { read: 0, write: 0 } },
      finish: 'stop',
    };
    const base = () => ({ id: this.ids.ascending('part'), sessionID, messageID: info.id });
    const parts: Part[] = [
      { ...base(), type: 'step-start', snapshot: 'abc123' },
      {
        ...base(),
        type: 'tool',
        callID: 'call_1',
        tool: 'read',
        state: {
          status: 'completed',
          input: { filePath: 'README.md' },
          output: '# test',
          title: 'README.md',
          metadata: { truncated: false },
          time: { start: now, end: now },
        },
      },
      { ...base(), type: 'text', text, time: { start: now, end: now } },
      {
        ...base(),
        type: 'step-finish',
        reason: 'stop',
        cost: 0,
        tokens: { input: 2, output: 1, reasoning: 0, cache: { read: 0, write: 0 } },
      },
    ];
    return { info, parts };
  }

  /** One part of every type of the reference, on one assistant message. */
  everyPartType(sessionID: string, parentID: string): MessageWithParts {
    const message = this.assistantMessage(sessionID, parentID, 'all parts');
    const now = Date.now();
    const messageID = message.info.id;
    const base = () => ({ id: this.ids.ascending('part'), sessionID, messageID });
    const source = { value: '@README.md', start: 0, end: 10 };
    message.parts = [
      { ...base(), type: 'text', text: 'hi', synthetic: true, ignored: false, metadata: { a: 1 } },
      {
        ...base(),
        type: 'subtask',
        prompt: 'do it',
        description: 'sub',
        agent: 'general',
        model: { providerID: 'fake', modelID: 'fake-model' },
        command: 'review',
      },
      { ...base(), type: 'reasoning', text: 'thinking', time: { start: now, end: now } },
      {
        ...base(),
        type: 'file',
        mime: 'text/plain',
        filename: 'README.md',
        url: 'file:///README.md',
        source: { type: 'file', path: 'README.md', text: source },
      },
      {
        ...base(),
        type: 'file',
        mime: 'text/plain',
        url: 'file:///a.ts',
        source: {
          type: 'symbol',
          path: 'a.ts',
          text: source,
          name: 'main',
          kind: 12,
          range: { start: { line: 1, character: 0 }, end: { line: 2, character: 1 } },
        },
      },
      {
        ...base(),
        type: 'file',
        mime: 'text/plain',
        url: 'mcp://x',
        source: { type: 'resource', clientName: 'docs', uri: 'docs://a', text: source },
      },
      {
        ...base(),
        type: 'tool',
        callID: 'c1',
        tool: 'bash',
        state: { status: 'pending', input: {}, raw: '' },
      },
      {
        ...base(),
        type: 'tool',
        callID: 'c2',
        tool: 'bash',
        state: { status: 'running', input: { command: 'ls' }, title: 'ls', time: { start: now } },
      },
      {
        ...base(),
        type: 'tool',
        callID: 'c3',
        tool: 'bash',
        state: {
          status: 'error',
          input: { command: 'false' },
          error: 'exit 1',
          time: { start: now, end: now },
        },
      },
      { ...base(), type: 'step-start' },
      {
        ...base(),
        type: 'step-finish',
        reason: 'tool-calls',
        snapshot: 'abc',
        cost: 0.5,
        tokens: { total: 9, input: 5, output: 4, reasoning: 0, cache: { read: 1, write: 2 } },
      },
      { ...base(), type: 'snapshot', snapshot: 'abc' },
      { ...base(), type: 'patch', hash: 'abc', files: ['README.md'] },
      { ...base(), type: 'agent', name: 'general', source },
      {
        ...base(),
        type: 'retry',
        attempt: 1,
        error: {
          name: 'APIError',
          data: { message: 'rate limited', isRetryable: true, statusCode: 429 },
        },
        time: { created: now },
      },
      { ...base(), type: 'compaction', auto: true, overflow: false, tail_start_id: parentID },
    ];
    const info = message.info as AssistantMessage;
    message.info = {
      ...info,
      error: { name: 'MessageAbortedError', data: { message: 'Aborted' } },
    };
    return message;
  }

  /** Stores messages with their parts through `MessageService`. */
  save(...messages: MessageWithParts[]): MessageWithParts[] {
    for (const message of messages) {
      this.messages.saveMessage(this.instance, message.info);
      for (const part of message.parts) this.messages.savePart(this.instance, part);
    }
    return messages;
  }

  /** Stores `turns` user/assistant pairs; returns them oldest first. */
  conversation(sessionID: string, turns: number): MessageWithParts[] {
    const stored: MessageWithParts[] = [];
    for (let turn = 0; turn < turns; turn++) {
      const user = this.userMessage(sessionID, `question ${turn}`);
      const answer = this.assistantMessage(sessionID, user.info.id, `answer ${turn}`);
      stored.push(...this.save(user, answer));
    }
    return stored;
  }

  private textPart(sessionID: string, messageID: string, text: string): Part {
    return { id: this.ids.ascending('part'), sessionID, messageID, type: 'text', text };
  }
}

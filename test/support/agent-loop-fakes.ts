import { z } from 'zod';
import { StepRecorder } from '../../src/agent-loop/step-recorder';
import type { TurnSetup } from '../../src/agent-loop/turn.types';
import { IdGenerator } from '../../src/core/id';
import { Instance } from '../../src/core/instance/instance';
import { newAssistantMessage } from '../../src/session/assistant-message';
import type { MessageInfo, UserMessage } from '../../src/session/dto/message.dto';
import type { MessageWithParts } from '../../src/session/dto/message-with-parts.dto';
import type { Part } from '../../src/session/dto/part.dto';
import type { ModelInfo } from '../../src/provider/provider.types';
import type { MessageService } from '../../src/session/message.service';
import type { ToolDefinition, ToolResult } from '../../src/tool/tool.types';

/** The project the agent loop's unit specs pretend to work in (nothing is read from it). */
export const loopInstance = new Instance('/work/app', { id: 'project', worktree: '/work/app' });

/** A stored prompt of session `ses_1`, with the fake model and the `build` agent. */
export function userMessage(overrides: Partial<UserMessage> = {}): UserMessage {
  return {
    id: 'msg_user',
    sessionID: 'ses_1',
    role: 'user',
    time: { created: 1 },
    agent: 'build',
    model: { providerID: 'fake', modelID: 'fake-model' },
    ...overrides,
  };
}

/**
 * The part of `MessageService` the loop uses, in memory: messages and parts in the order they
 * were first saved, as the SQLite store keeps them.
 */
export class FakeMessages {
  readonly stored = new Map<string, { info: MessageInfo; parts: Map<string, Part> }>();
  readonly deltas: string[] = [];

  asService(): MessageService {
    return this as unknown as MessageService;
  }

  saveMessage<T extends MessageInfo>(_instance: Instance, info: T): T {
    const existing = this.stored.get(info.id);
    this.stored.set(info.id, { info: { ...info }, parts: existing?.parts ?? new Map() });
    return info;
  }

  savePart<T extends Part>(_instance: Instance, part: T): T {
    const message = this.stored.get(part.messageID);
    if (!message) throw new Error(`no message ${part.messageID}`);
    message.parts.set(part.id, { ...part });
    return part;
  }

  checkpointPart(part: Part): void {
    this.stored.get(part.messageID)?.parts.set(part.id, { ...part });
  }

  publishPartDelta(_instance: Instance, delta: { delta: string }): void {
    this.deltas.push(delta.delta);
  }

  removePart(_instance: Instance, _sessionID: string, messageID: string, partID: string): boolean {
    return this.stored.get(messageID)?.parts.delete(partID) ?? false;
  }

  removeMessage(_instance: Instance, _sessionID: string, messageID: string): boolean {
    return this.stored.delete(messageID);
  }

  getMessage(_sessionID: string, messageID: string): MessageWithParts {
    const message = this.stored.get(messageID);
    if (!message) throw new Error(`no message ${messageID}`);
    return { info: message.info, parts: [...message.parts.values()] };
  }

  conversation(sessionID: string): MessageWithParts[] {
    return [...this.stored.values()]
      .filter(({ info }) => info.sessionID === sessionID)
      .map(({ info, parts }) => ({ info, parts: [...parts.values()] }));
  }

  /** Stored messages of a role, oldest first. */
  infos(role: MessageInfo['role']): MessageInfo[] {
    return [...this.stored.values()].map(({ info }) => info).filter((info) => info.role === role);
  }
}

/** A tool that answers `output` (or throws `fails`), remembering its calls. */
export function fakeTool(
  id: string,
  behaviour: {
    output?: string;
    fails?: Error;
    readOnly?: boolean;
    metadata?: Record<string, unknown>;
  } = {},
): ToolDefinition & { calls: Record<string, unknown>[] } {
  const calls: Record<string, unknown>[] = [];
  const tool: ToolDefinition & { calls: Record<string, unknown>[] } = {
    id,
    description: `The ${id} tool`,
    parameters: z.object({ value: z.string().optional() }),
    ...(behaviour.readOnly && { readOnly: true }),
    calls,
    execute: (input: Record<string, unknown>): Promise<ToolResult> => {
      calls.push(input);
      if (behaviour.fails) return Promise.reject(behaviour.fails);
      return Promise.resolve({
        title: id,
        output: behaviour.output ?? `${id} done`,
        metadata: behaviour.metadata ?? {},
      });
    },
  };
  return tool;
}

/** A turn's setup with the fake model's prices and a roomy context; `overrides` win. */
export function turnSetup(overrides: Partial<TurnSetup> = {}): TurnSetup {
  const user = overrides.user ?? userMessage();
  return {
    instance: loopInstance,
    user,
    agentName: 'build',
    language: 'fake-model',
    call: { model: fakeModelInfo(), providerOptions: {}, sessionID: user.sessionID },
    prices: { input: 1, output: 2, cache: { read: 0.5, write: 1 } },
    limit: { context: 100_000, output: 8_000 },
    compaction: { auto: true, prune: true },
    toolOutput: { maxLines: 2_000, maxBytes: 50 * 1024 },
    continueOnReject: false,
    rejected: false,
    system: ['You are a test.'],
    rules: [],
    tools: [],
    maxSteps: 10,
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** The catalog entry of the fake model: an OpenAI-compatible model with no quirks. */
export function fakeModelInfo(): ModelInfo {
  const modalities = { text: true, audio: false, image: false, video: false, pdf: false };
  return {
    id: 'fake-model',
    providerID: 'fake',
    api: { id: 'fake-model', url: 'http://127.0.0.1:1/v1', npm: '@ai-sdk/openai-compatible' },
    name: 'Fake model',
    capabilities: {
      temperature: true,
      reasoning: false,
      attachment: false,
      toolcall: true,
      input: modalities,
      output: modalities,
      interleaved: false,
    },
    cost: { input: 1, output: 2, cache: { read: 0.5, write: 1 } },
    limit: { context: 100_000, output: 8_000 },
    status: 'active',
    options: {},
    headers: {},
    release_date: '2025-01-01',
  };
}

/** A step recorder of a new assistant message answering `setup.user`, stored in `messages`. */
export function stepRecorder(
  messages: FakeMessages,
  setup: TurnSetup,
  ids = new IdGenerator(),
): StepRecorder {
  const message = newAssistantMessage({
    id: ids.ascending('message'),
    instance: setup.instance,
    prompt: setup.user,
    agent: setup.agentName,
  });
  const recorder = new StepRecorder(setup.instance, message, messages.asService(), ids);
  recorder.saveMessage();
  return recorder;
}

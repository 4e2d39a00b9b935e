import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import type { AssistantMessage, MessageTokensDto } from '../session/dto/message.dto';
import type {
  Part,
  ReasoningPart,
  StepFinishPart,
  TextPart,
  ToolPart,
  ToolStateCompletedDto,
} from '../session/dto/part.dto';
import type { MessageService } from '../session/message.service';
import type { ToolResult } from '../tool/tool.types';

/** Writes no more than this often for progress of one running tool (bash output streams fast). */
const PROGRESS_SAVE_INTERVAL_MS = 100;
/** How often the text of a streaming part is stored meanwhile: at most this much is lost. */
const STREAM_CHECKPOINT_INTERVAL_MS = 1_000;

/**
 * Records one assistant message as the model streams it: every part is stored and published as
 * `message.part.updated` when it starts and when it ends, while text and reasoning deltas go out
 * as `message.part.delta` events only, the part's text being stored about once a second while it
 * streams and whole at its end, which keeps a token-by-token stream off the database.
 */
export class StepRecorder {
  private readonly streaming = new Map<string, TextPart | ReasoningPart>();
  private readonly tools = new Map<string, ToolPart>();
  private readonly createdThisAttempt: Part[] = [];
  /** A tool started executing in this attempt: its effects cannot be undone by a retry. */
  private toolStartedThisAttempt = false;
  /** What is stored for this message, by part id, in creation (= id) order. */
  private readonly stored = new Map<string, Part>();
  private readonly lastProgressSave = new Map<string, number>();
  /** When each streaming part's text was last stored. */
  private readonly lastCheckpoint = new Map<string, number>();
  /** Saves of progress held back by the interval, made when it has passed. */
  private readonly progressTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly instance: Instance,
    readonly message: AssistantMessage,
    private readonly messages: MessageService,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * Parts stored for this message so far (for the HTTP answer and the doom-loop check), kept in
   * memory: this recorder is the only writer of its message while the step runs.
   */
  parts(): Part[] {
    return [...this.stored.values()];
  }

  stepStart(snapshot?: string): void {
    this.save({ ...this.base(), type: 'step-start', ...(snapshot && { snapshot }) });
  }

  /** The files the step changed (from its start snapshot), for the session diff and revert. */
  patch(patch: { hash: string; files: string[] }): void {
    this.save({ ...this.base(), type: 'patch', hash: patch.hash, files: patch.files });
  }

  streamStart(
    kind: 'text' | 'reasoning',
    streamID: string,
    metadata?: Record<string, unknown>,
  ): void {
    const part: TextPart | ReasoningPart =
      kind === 'text'
        ? { ...this.base(), type: 'text', text: '', time: { start: Date.now() } }
        : {
            ...this.base(),
            type: 'reasoning',
            text: '',
            time: { start: Date.now() },
            ...(metadata && { metadata }),
          };
    this.streaming.set(`${kind}:${streamID}`, part);
    this.save(part);
  }

  streamDelta(kind: 'text' | 'reasoning', streamID: string, delta: string): void {
    if (!delta) return;
    let part = this.streaming.get(`${kind}:${streamID}`);
    if (!part) {
      this.streamStart(kind, streamID);
      part = this.streaming.get(`${kind}:${streamID}`)!;
    }
    part.text += delta;
    this.messages.publishPartDelta(this.instance, {
      sessionID: part.sessionID,
      messageID: part.messageID,
      partID: part.id,
      field: 'text',
      delta,
    });
    const now = Date.now();
    if (
      now - (this.lastCheckpoint.get(part.id) ?? part.time?.start ?? now) >=
      STREAM_CHECKPOINT_INTERVAL_MS
    ) {
      this.lastCheckpoint.set(part.id, now);
      this.messages.checkpointPart({ ...part });
    }
  }

  streamEnd(
    kind: 'text' | 'reasoning',
    streamID: string,
    metadata?: Record<string, unknown>,
    /** The final text, when it differs from what streamed (a plugin's `experimental.text.complete`). */
    text?: string,
  ): void {
    const key = `${kind}:${streamID}`;
    const part = this.streaming.get(key);
    if (!part) return;
    this.streaming.delete(key);
    this.lastCheckpoint.delete(part.id);
    if (kind === 'text') part.text = text ?? part.text.trimEnd();
    part.time = { start: part.time?.start ?? Date.now(), end: Date.now() };
    if (metadata) part.metadata = { ...part.metadata, ...metadata };
    this.save(part);
  }

  /** The text part a stream is writing, while it streams. */
  streamingText(streamID: string): { id: string; text: string } | undefined {
    return this.streaming.get(`text:${streamID}`);
  }

  toolPending(callID: string, tool: string): void {
    if (this.tools.has(callID)) return;
    const part: ToolPart = {
      ...this.base(),
      type: 'tool',
      callID,
      tool,
      state: { status: 'pending', input: {}, raw: '' },
    };
    this.tools.set(callID, part);
    this.save(part);
  }

  toolRunning(callID: string, tool: string, input: Record<string, unknown>): void {
    this.toolStartedThisAttempt = true;
    this.toolPending(callID, tool);
    const part = this.tools.get(callID)!;
    part.state = { status: 'running', input, time: { start: Date.now() } };
    this.save(part);
  }

  toolProgress(
    callID: string,
    update: { title?: string; metadata?: Record<string, unknown> },
  ): void {
    const part = this.tools.get(callID);
    if (!part || part.state.status !== 'running') return;
    part.state = {
      ...part.state,
      ...(update.title !== undefined && { title: update.title }),
      ...(update.metadata && { metadata: { ...part.state.metadata, ...update.metadata } }),
    };
    const wait = (this.lastProgressSave.get(callID) ?? 0) + PROGRESS_SAVE_INTERVAL_MS - Date.now();
    if (wait <= 0) return this.saveProgress(callID, part);
    // Held back, not dropped: output followed by a quiet spell must still show up.
    if (this.progressTimers.has(callID)) return;
    const timer = setTimeout(() => {
      this.progressTimers.delete(callID);
      if (part.state.status === 'running') this.saveProgress(callID, part);
    }, wait);
    timer.unref();
    this.progressTimers.set(callID, timer);
  }

  private saveProgress(callID: string, part: ToolPart): void {
    this.lastProgressSave.set(callID, Date.now());
    this.save(part);
  }

  private cancelProgress(callID: string): void {
    clearTimeout(this.progressTimers.get(callID));
    this.progressTimers.delete(callID);
  }

  toolCompleted(callID: string, result: ToolResult): void {
    this.cancelProgress(callID);
    const part = this.tools.get(callID);
    if (!part) return;
    const start = part.state.status === 'running' ? part.state.time.start : Date.now();
    const state: ToolStateCompletedDto = {
      status: 'completed',
      input: part.state.input,
      output: result.output,
      title: result.title,
      metadata: result.metadata,
      time: { start, end: Date.now() },
    };
    if (result.attachments?.length) {
      state.attachments = result.attachments.map((attachment) => ({
        ...this.base(),
        type: 'file',
        mime: attachment.mime,
        url: attachment.url,
        ...(attachment.filename && { filename: attachment.filename }),
      }));
    }
    part.state = state;
    this.save(part);
  }

  toolFailed(
    callID: string,
    tool: string,
    error: string,
    input?: Record<string, unknown>,
    metadata?: Record<string, unknown>,
  ): void {
    this.cancelProgress(callID);
    this.toolPending(callID, tool);
    const part = this.tools.get(callID)!;
    if (part.state.status === 'completed' || part.state.status === 'error') return;
    const start = part.state.status === 'running' ? part.state.time.start : Date.now();
    part.state = {
      status: 'error',
      input: input ?? part.state.input,
      error,
      ...(metadata && { metadata }),
      time: { start, end: Date.now() },
    };
    this.save(part);
  }

  /** Tool calls that never finished (the turn was aborted): they end as errors. */
  interruptOpenTools(error: string): void {
    for (const [callID, part] of this.tools) {
      if (part.state.status === 'pending' || part.state.status === 'running') {
        this.toolFailed(callID, part.tool, error, undefined, { interrupted: true });
      }
    }
  }

  /** Ends text and reasoning still streaming (abort, error), keeping what arrived. */
  closeOpenStreams(): void {
    for (const key of [...this.streaming.keys()]) {
      const [kind, streamID] = key.split(':') as ['text' | 'reasoning', string];
      this.streamEnd(kind, streamID);
    }
  }

  stepFinish(reason: string, tokens: MessageTokensDto, cost: number, snapshot?: string): void {
    const part: StepFinishPart = {
      ...this.base(),
      type: 'step-finish',
      reason,
      ...(snapshot && { snapshot }),
      cost,
      tokens,
    };
    this.save(part);
    const message = this.message;
    message.finish = reason;
    message.cost += cost;
    message.tokens = {
      total: (message.tokens.total ?? 0) + (tokens.total ?? 0),
      input: message.tokens.input + tokens.input,
      output: message.tokens.output + tokens.output,
      reasoning: message.tokens.reasoning + tokens.reasoning,
      cache: {
        read: message.tokens.cache.read + tokens.cache.read,
        write: message.tokens.cache.write + tokens.cache.write,
      },
    };
    this.saveMessage();
  }

  /** Removes what a failed attempt stored, before the step is tried again. */
  discardAttempt(): void {
    for (const part of this.createdThisAttempt.splice(0)) {
      this.messages.removePart(this.instance, part.sessionID, part.messageID, part.id);
      this.stored.delete(part.id);
    }
    this.streaming.clear();
    this.tools.clear();
    for (const callID of [...this.progressTimers.keys()]) this.cancelProgress(callID);
  }

  /** Marks the start of an attempt: parts from here on belong to it. */
  beginAttempt(): void {
    this.createdThisAttempt.length = 0;
    this.toolStartedThisAttempt = false;
  }

  /**
   * Whether a tool started executing in this attempt (a command run, a file written): such an
   * attempt cannot be discarded and tried again without running the tool a second time.
   */
  startedTools(): boolean {
    return this.toolStartedThisAttempt;
  }

  saveMessage(): void {
    this.messages.saveMessage(this.instance, { ...this.message });
  }

  private base(): { id: string; sessionID: string; messageID: string } {
    return {
      id: this.ids.ascending('part'),
      sessionID: this.message.sessionID,
      messageID: this.message.id,
    };
  }

  private save(part: Part): void {
    if (!this.createdThisAttempt.some((existing) => existing.id === part.id))
      this.createdThisAttempt.push(part);
    // A copy: the saved object must not change under the event that carries it.
    const copy = { ...part };
    this.messages.savePart(this.instance, copy);
    this.stored.set(part.id, copy);
  }
}

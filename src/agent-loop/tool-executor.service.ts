import { Injectable, Optional } from '@nestjs/common';
import { errorMessage } from '../core/errors/error-message';
import { PluginHooks } from '../core/plugin/plugin-hooks';
import { renameAliases, type LlmTool } from '../llm/llm.service';
import { PermissionService } from '../permission/permission.service';
import { limitToolOutput } from '../tool/tool-output-limit';
import { ToolRegistryService } from '../tool/tool-registry.service';
import { UserRejectedError } from '../permission/permission.types';
import type { ToolContext, ToolDefinition } from '../tool/tool.types';
import type { StepRecorder } from './step-recorder';
import type { TurnSetup } from './turn.types';

/** Identical consecutive tool calls that make a doom loop. */
const DOOM_LOOP_THRESHOLD = 3;

/**
 * Runs the tools of a turn, whether the model calls them or a prompt's `subtask` part does: each
 * call is recorded in its tool part (running, then completed or failed), may ask the user through
 * the turn's permission rules, and has its output cut to the config's limits. A user who rejects
 * a call ends the turn after its step, unless config says to go on.
 */
@Injectable()
export class ToolExecutorService {
  constructor(
    private readonly permissions: PermissionService,
    private readonly toolRegistry: ToolRegistryService,
    @Optional() private readonly plugins: PluginHooks = new PluginHooks(),
  ) {}

  /** The turn's tools as the model is offered them, each call recorded by `recorder`. */
  toolsFor(setup: TurnSetup, recorder: StepRecorder): Record<string, LlmTool> {
    const tools: Record<string, LlmTool> = {};
    for (const definition of setup.tools) {
      tools[definition.id] = {
        description: definition.description,
        parameters: definition.parameters,
        ...(definition.jsonSchema && { jsonSchema: definition.jsonSchema }),
        ...(definition.aliases && { aliases: definition.aliases }),
        execute: (input, callID) => this.execute(setup, recorder, definition, input, callID),
      };
    }
    return tools;
  }

  /** Runs one call; resolves with the output the model reads, rejects with the tool's error. */
  async execute(
    setup: TurnSetup,
    recorder: StepRecorder,
    definition: ToolDefinition,
    input: Record<string, unknown>,
    callID: string,
  ): Promise<string> {
    const { instance, user } = setup;
    const call = { tool: definition.id, sessionID: user.sessionID, callID };
    try {
      // Plugins change `args` in place: the very object the tool runs with and that is stored.
      // Run before the permission checks, as the reference; a throw fails this call only.
      await this.plugins.trigger(instance, 'tool.execute.before', call, { args: input });
    } catch (error) {
      recorder.toolFailed(callID, definition.id, errorMessage(error), input);
      throw error;
    }
    recorder.toolRunning(callID, definition.id, input);
    const context: ToolContext = {
      instance,
      sessionID: user.sessionID,
      messageID: recorder.message.id,
      callID,
      agent: setup.agentName,
      abort: setup.signal,
      ask: (request) =>
        this.permissions.ask(
          {
            instance,
            sessionID: user.sessionID,
            messageID: recorder.message.id,
            callID,
            rules: setup.rules,
            signal: setup.signal,
          },
          request,
        ),
      progress: (update) => recorder.toolProgress(callID, update),
    };
    try {
      if (isDoomLoop(recorder, definition.id, input)) {
        await context.ask({
          permission: 'doom_loop',
          patterns: [definition.id],
          always: [definition.id],
          metadata: { tool: definition.id, input },
        });
      }
      // A call may name a parameter by an alias: stored as made, run under the parameter's name.
      const args = definition.aliases
        ? (renameAliases(input, definition.aliases).input as Record<string, unknown>)
        : input;
      const executed = await definition.execute(args, context);
      // Tools that keep their output within limits of their own say so (`metadata.truncated`);
      // the output of the others is cut to the config's `tool_output` limits.
      const limited =
        executed.metadata.truncated === undefined
          ? { ...executed, output: limitToolOutput(executed.output, setup.toolOutput) }
          : executed;
      // What plugins leave in `title`, `output` and `metadata` is what is stored and what the
      // model reads.
      const result = await this.plugins.trigger(
        instance,
        'tool.execute.after',
        { ...call, args: input },
        { ...limited },
      );
      recorder.toolCompleted(callID, result);
      this.toolRegistry.afterExecution(instance, definition.id, result);
      return result.output;
    } catch (error) {
      const aborted = setup.signal.aborted;
      if (error instanceof UserRejectedError && !setup.continueOnReject) setup.rejected = true;
      recorder.toolFailed(
        callID,
        definition.id,
        aborted ? 'Tool execution aborted' : errorMessage(error),
        input,
        aborted ? { interrupted: true } : undefined,
      );
      throw error;
    }
  }
}

/**
 * The model called the same tool with the same input several times in a row within the current
 * assistant message, as the reference counts: calls of earlier steps or turns (the same prompt
 * sent again) are not a loop.
 */
function isDoomLoop(recorder: StepRecorder, tool: string, input: Record<string, unknown>): boolean {
  const signature = JSON.stringify([tool, input]);
  const calls = recorder
    .parts()
    .filter((part) => part.type === 'tool' && part.state.status !== 'pending')
    .map((part) => (part.type === 'tool' ? JSON.stringify([part.tool, part.state.input]) : ''));
  // The current call is already recorded as running: it and the ones before it must all match.
  const recent = calls.slice(-DOOM_LOOP_THRESHOLD);
  return recent.length === DOOM_LOOP_THRESHOLD && recent.every((call) => call === signature);
}

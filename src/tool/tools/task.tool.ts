import { z } from 'zod';
import { defineTool, ToolContext, ToolDefinition } from '../tool.types';

export interface SubagentSummary {
  name: string;
  description?: string;
}

export interface SubtaskRequest {
  description: string;
  prompt: string;
  agent: string;
}

/** Runs a prompt with a subagent in a child session of the caller's session. */
export interface SubagentRunner {
  runSubtask(
    context: ToolContext,
    request: SubtaskRequest,
  ): Promise<{ sessionID: string; text: string }>;
}

export function createTaskTool(
  runner: SubagentRunner,
  subagents: SubagentSummary[],
): ToolDefinition {
  const names = subagents.map((agent) => agent.name);
  const catalogue = subagents
    .map((agent) => `- ${agent.name}: ${agent.description ?? 'no description'}`)
    .join('\n');
  return defineTool({
    id: 'task',
    description: [
      'Starts a subagent on a self-contained piece of work in a separate session and returns its final answer.',
      'Use it for broad searches or multi-step research that would otherwise fill this conversation. The',
      'subagent sees none of this conversation: put everything it needs in the prompt, and say exactly what it',
      'should report back. Available subagents:',
      catalogue || '- (none)',
    ].join('\n'),
    parameters: z.object({
      description: z.string().min(1).describe('A short (3-5 words) description of the task'),
      prompt: z.string().min(1).describe('The full task for the subagent'),
      subagent_type: z
        .string()
        .min(1)
        .describe(`The subagent to use: one of ${names.join(', ') || '(none)'}`),
    }),
    async execute(input, context) {
      if (!names.includes(input.subagent_type)) {
        throw new Error(
          `Unknown subagent "${input.subagent_type}". Use one of: ${names.join(', ')}`,
        );
      }
      await context.ask({
        permission: 'task',
        patterns: [input.subagent_type],
        always: ['*'],
        metadata: { description: input.description, subagent_type: input.subagent_type },
      });
      const result = await runner.runSubtask(context, {
        description: input.description,
        prompt: input.prompt,
        agent: input.subagent_type,
      });
      context.progress({ title: input.description, metadata: { sessionId: result.sessionID } });
      return {
        title: input.description,
        output: `${result.text}\n\n<task_metadata>\nsession_id: ${result.sessionID}\n</task_metadata>`,
        metadata: { sessionId: result.sessionID },
      };
    },
  });
}

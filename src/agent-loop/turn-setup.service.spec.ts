import { loopInstance, userMessage } from '../../test/support/agent-loop-fakes';
import type { AgentService } from '../agent/agent.service';
import type { ConfigService } from '../config/config.service';
import { NotFoundError } from '../core/errors/named-error';
import type { Instance } from '../core/instance/instance';
import type { PermissionRule } from '../permission/permission-rules';
import type { ProviderService } from '../provider/provider.service';
import type { SessionService } from '../session/session.service';
import type { ToolRegistryService } from '../tool/tool-registry.service';
import type { SystemPromptOptions, SystemPromptService } from './system-prompt.service';
import { TurnSetupService } from './turn-setup.service';

interface FakeAgent {
  name: string;
  permission?: PermissionRule[];
  prompt?: string;
  steps?: number;
  temperature?: number;
  topP?: number;
  options?: Record<string, unknown>;
}

describe('TurnSetupService', () => {
  let agent: FakeAgent | undefined;
  let config: Record<string, unknown>;
  let depth: number;
  let sessionRules: PermissionRule[] | undefined;
  let parentID: string | undefined;
  let toolCalls: { permission: PermissionRule[]; switches?: unknown; delegate?: boolean }[];
  let systemCalls: SystemPromptOptions[];
  let setups: TurnSetupService;
  const model = {
    language: 'fake-language-model',
    provider: { options: { setCacheKey: true } },
    model: {
      cost: { input: 1, output: 2, cache: { read: 0, write: 0 } },
      limit: { context: 32_000, output: 4_000 },
    },
  };

  beforeEach(() => {
    agent = { name: 'build', permission: [{ permission: 'bash', pattern: '*', action: 'ask' }] };
    config = {};
    depth = 0;
    sessionRules = undefined;
    parentID = undefined;
    toolCalls = [];
    systemCalls = [];
    const agents = {
      get: (_instance: Instance, name: string) =>
        agent ? Promise.resolve(agent) : Promise.reject(new NotFoundError(`agent ${name}`)),
    } as unknown as AgentService;
    const providers = { getModel: () => Promise.resolve(model) } as unknown as ProviderService;
    const configService = { get: () => Promise.resolve(config) } as unknown as ConfigService;
    const sessions = {
      depth: () => depth,
      get: () => ({ permission: sessionRules, parentID }),
    } as unknown as SessionService;
    const registry = {
      toolsFor: (
        _instance: Instance,
        toolAgent: { permission: PermissionRule[] },
        switches: unknown,
        delegate: boolean,
      ) => {
        toolCalls.push({ permission: toolAgent.permission, switches, delegate });
        return Promise.resolve([{ id: 'read' }]);
      },
    } as unknown as ToolRegistryService;
    const systemPrompts = {
      build: (_instance: Instance, options: SystemPromptOptions) => {
        systemCalls.push(options);
        return Promise.resolve(['base prompt', 'environment']);
      },
    } as unknown as SystemPromptService;
    setups = new TurnSetupService(
      agents,
      providers,
      configService,
      sessions,
      registry,
      systemPrompts,
    );
  });

  it('resolves agent, model, tools and system prompt, with the defaults config leaves', async () => {
    const signal = new AbortController().signal;
    const user = userMessage({ system: 'Answer in French', tools: { bash: false } });
    const setup = await setups.prepare(loopInstance, user, signal);
    expect(setup).toEqual({
      instance: loopInstance,
      user,
      agentName: 'build',
      language: 'fake-language-model',
      call: {
        model: model.model,
        providerOptions: { setCacheKey: true },
        sessionID: user.sessionID,
        requestID: user.id,
        agent: 'build',
        agentOptions: undefined,
      },
      prices: model.model.cost,
      limit: model.model.limit,
      compaction: { auto: true, prune: true, reserved: undefined },
      toolOutput: { maxLines: 2_000, maxBytes: 50 * 1024 },
      continueOnReject: false,
      rejected: false,
      system: ['base prompt', 'environment'],
      rules: agent!.permission,
      tools: [{ id: 'read' }],
      maxSteps: 100,
      signal,
    });
    expect(toolCalls).toEqual([
      { permission: agent!.permission, switches: { bash: false }, delegate: true },
    ]);
    expect(systemCalls).toEqual([
      { agentPrompt: undefined, model: 'fake/fake-model', extra: 'Answer in French' },
    ]);
  });

  it('gives the calls the variant of the prompt, the parent session and the agent options', async () => {
    agent = { name: 'build', options: { reasoningEffort: 'low' } };
    parentID = 'ses_parent';
    const user = userMessage({
      model: { providerID: 'fake', modelID: 'fake-model', variant: 'high' },
    });
    const setup = await setups.prepare(loopInstance, user, new AbortController().signal);
    expect(setup.call).toMatchObject({
      variant: 'high',
      parentSessionID: 'ses_parent',
      agentOptions: { reasoningEffort: 'low' },
    });
  });

  it('takes what config and the agent set', async () => {
    agent = { name: 'plan', prompt: 'Plan only', steps: 5, temperature: 0.1, topP: 0.9 };
    config = {
      compaction: { auto: false, prune: false, reserved: 1_000 },
      tool_output: { max_lines: 10, max_bytes: 2_048 },
      experimental: { continue_loop_on_deny: true },
    };
    const setup = await setups.prepare(loopInstance, userMessage(), new AbortController().signal);
    expect(setup).toMatchObject({
      agentName: 'plan',
      compaction: { auto: false, prune: false, reserved: 1_000 },
      toolOutput: { maxLines: 10, maxBytes: 2_048 },
      continueOnReject: true,
      maxSteps: 5,
      temperature: 0.1,
      topP: 0.9,
    });
    expect(systemCalls[0].agentPrompt).toBe('Plan only');
  });

  it('puts the rules of the session after those of the agent, so they win', async () => {
    sessionRules = [{ permission: 'question', pattern: '*', action: 'deny' }];
    const setup = await setups.prepare(loopInstance, userMessage(), new AbortController().signal);
    expect(setup.rules).toEqual([...agent!.permission!, ...sessionRules]);
    expect(toolCalls[0].permission).toEqual(setup.rules);
  });

  it('lets only root sessions start subagents unless config subagent_depth allows more', async () => {
    depth = 1;
    await setups.prepare(loopInstance, userMessage(), new AbortController().signal);
    config = { subagent_depth: 2 };
    await setups.prepare(loopInstance, userMessage(), new AbortController().signal);
    expect(toolCalls.map((call) => call.delegate)).toEqual([false, true]);
  });

  it('fails when the agent is gone since the prompt was accepted', async () => {
    agent = undefined;
    await expect(
      setups.prepare(loopInstance, userMessage(), new AbortController().signal),
    ).rejects.toThrow(NotFoundError);
  });
});

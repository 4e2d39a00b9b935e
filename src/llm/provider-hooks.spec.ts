import { arch, platform, release } from 'node:os';
import { COPILOT_API_VERSION, hookHeaders, hookParams, type HookContext } from './provider-hooks';

function context(providerID: string, npm: string, apiID: string, extra: Partial<HookContext> = {}) {
  return { model: { providerID, api: { id: apiID, url: '', npm } }, sessionID: 'ses_1', ...extra };
}

describe('hookParams (the built-in plugins’ chat.params)', () => {
  const params = { maxOutputTokens: 32_000, options: { store: false } };

  it('drops the output cap for Copilot GPT models and turns tool streaming off for its Claude', () => {
    expect(
      hookParams(context('github-copilot', '@ai-sdk/github-copilot', 'gpt-5.4'), params),
    ).toEqual({ maxOutputTokens: undefined, options: { store: false } });
    expect(
      hookParams(
        context('github-copilot-enterprise', '@ai-sdk/anthropic', 'claude-sonnet-4.5'),
        params,
      ),
    ).toEqual({ maxOutputTokens: 32_000, options: { store: false, toolStreaming: false } });
    // The input is left as it was.
    expect(params).toEqual({ maxOutputTokens: 32_000, options: { store: false } });
  });

  it('drops the output cap for OpenAI, and for Cerebras when max_completion_tokens is set', () => {
    expect(hookParams(context('openai', '@ai-sdk/openai', 'gpt-5.4'), params).maxOutputTokens).toBe(
      undefined,
    );
    const cerebras = context('cerebras', '@ai-sdk/cerebras', 'qwen-3');
    expect(hookParams(cerebras, params).maxOutputTokens).toBe(32_000);
    expect(
      hookParams(cerebras, { maxOutputTokens: 32_000, options: { max_completion_tokens: 10 } })
        .maxOutputTokens,
    ).toBeUndefined();
    expect(hookParams(context('anthropic', '@ai-sdk/anthropic', 'claude'), params)).toEqual(params);
  });
});

describe('hookHeaders (the built-in plugins’ chat.headers)', () => {
  it('tells Copilot the API version, the session, a title call and who initiated the call', () => {
    expect(
      hookHeaders(context('github-copilot', '@ai-sdk/github-copilot', 'gpt-5.4'), '1.2.3'),
    ).toEqual({ 'X-GitHub-Api-Version': COPILOT_API_VERSION, 'X-Interaction-Id': 'ses_1' });
    expect(COPILOT_API_VERSION).toBe('2026-06-01');
    const title = hookHeaders(
      context('github-copilot', '@ai-sdk/anthropic', 'claude-haiku-4.5', { agent: 'title' }),
      '1.2.3',
    );
    expect(title).toMatchObject({
      'X-Interaction-Type': 'agent-session-name-generation',
      'anthropic-beta': 'interleaved-thinking-2025-05-14',
    });
    expect(title['x-initiator']).toBeUndefined();
    for (const extra of [
      { parentSessionID: 'ses_0' },
      { agent: 'compaction' },
      { afterCompaction: true },
    ]) {
      expect(
        hookHeaders(context('github-copilot', '@ai-sdk/github-copilot', 'gpt-4.1', extra), '1')[
          'x-initiator'
        ],
      ).toBe('agent');
    }
  });

  it('names opencode, the OS and the session to OpenAI', () => {
    expect(hookHeaders(context('openai', '@ai-sdk/openai', 'gpt-5.4'), '1.2.3')).toEqual({
      originator: 'opencode',
      'User-Agent': `opencode/1.2.3 (${platform()} ${release()}; ${arch()})`,
      'session-id': 'ses_1',
    });
    expect(hookHeaders(context('anthropic', '@ai-sdk/anthropic', 'claude'), '1.2.3')).toEqual({});
  });
});

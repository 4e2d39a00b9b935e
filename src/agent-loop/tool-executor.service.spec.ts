import {
  fakeTool,
  FakeMessages,
  stepRecorder,
  turnSetup,
} from '../../test/support/agent-loop-fakes';
import type { AskContext, PermissionService } from '../permission/permission.service';
import type { ToolPart } from '../session/dto/part.dto';
import type { ToolRegistryService } from '../tool/tool-registry.service';
import { type PermissionRequest, UserRejectedError } from '../permission/permission.types';
import type { ToolResult } from '../tool/tool.types';
import { ToolExecutorService } from './tool-executor.service';

describe('ToolExecutorService', () => {
  let asked: { context: AskContext; request: PermissionRequest }[];
  let answer: (request: PermissionRequest) => Promise<void>;
  let executed: { toolID: string; result: ToolResult }[];
  let messages: FakeMessages;
  let executor: ToolExecutorService;

  beforeEach(() => {
    asked = [];
    executed = [];
    answer = () => Promise.resolve();
    messages = new FakeMessages();
    const permissions = {
      ask: (context: AskContext, request: PermissionRequest) => {
        asked.push({ context, request });
        return answer(request);
      },
    } as unknown as PermissionService;
    const registry = {
      afterExecution: (_instance: unknown, toolID: string, result: ToolResult) =>
        executed.push({ toolID, result }),
    } as unknown as ToolRegistryService;
    executor = new ToolExecutorService(permissions, registry);
  });

  function toolParts(recorder: { parts(): unknown[] }): ToolPart[] {
    return recorder.parts() as ToolPart[];
  }

  it('records a call as completed, its output cut to the config limits', async () => {
    const tool = fakeTool('bash', { output: 'line 1\nline 2\nline 3' });
    const setup = turnSetup({ tools: [tool], toolOutput: { maxLines: 2, maxBytes: 1_000 } });
    const recorder = stepRecorder(messages, setup);
    const output = await executor.execute(setup, recorder, tool, { value: 'ls' }, 'call_1');
    expect(output).toMatch(/^line 1\nline 2\n\n\(Output cut at 2 lines/);
    const [part] = toolParts(recorder);
    expect(part).toMatchObject({ callID: 'call_1', tool: 'bash' });
    expect(part.state).toMatchObject({ status: 'completed', input: { value: 'ls' }, output });
    expect(executed).toEqual([{ toolID: 'bash', result: expect.objectContaining({ output }) }]);
  });

  it('keeps the output of a tool that limits its own (metadata.truncated)', async () => {
    const long = 'x\n'.repeat(10);
    const tool = fakeTool('read', { output: long, metadata: { truncated: false } });
    const setup = turnSetup({ tools: [tool], toolOutput: { maxLines: 2, maxBytes: 1_000 } });
    const recorder = stepRecorder(messages, setup);
    await expect(executor.execute(setup, recorder, tool, {}, 'call_1')).resolves.toBe(long);
  });

  it('gives the tool a context whose asks go through the rules of the turn', async () => {
    const rules = [{ permission: 'bash', pattern: '*', action: 'ask' as const }];
    const setup = turnSetup({ rules });
    const recorder = stepRecorder(messages, setup);
    const tool = fakeTool('bash');
    tool.execute = async (_input, context) => {
      expect(context).toMatchObject({
        sessionID: 'ses_1',
        messageID: recorder.message.id,
        callID: 'call_7',
        agent: 'build',
      });
      await context.ask({ permission: 'bash', patterns: ['ls'], always: ['ls *'], metadata: {} });
      context.progress({ title: 'running ls' });
      return { title: 'ls', output: 'a.txt', metadata: {} };
    };
    await executor.execute(setup, recorder, tool, {}, 'call_7');
    expect(asked).toHaveLength(1);
    expect(asked[0].context).toMatchObject({
      sessionID: 'ses_1',
      messageID: recorder.message.id,
      callID: 'call_7',
      rules,
      signal: setup.signal,
    });
    expect(asked[0].request.permission).toBe('bash');
  });

  it('records a failure on the part and passes it on to the model', async () => {
    const tool = fakeTool('edit', { fails: new Error('file changed since it was read') });
    const setup = turnSetup({ tools: [tool] });
    const recorder = stepRecorder(messages, setup);
    await expect(executor.execute(setup, recorder, tool, { value: 'a' }, 'call_1')).rejects.toThrow(
      'file changed since it was read',
    );
    expect(toolParts(recorder)[0].state).toMatchObject({
      status: 'error',
      error: 'file changed since it was read',
      input: { value: 'a' },
    });
    expect(setup.rejected).toBe(false);
  });

  it('ends the turn after the step when the user rejects a call, unless config says go on', async () => {
    const tool = fakeTool('bash', { fails: new UserRejectedError('rejected') });
    const stops = turnSetup({ tools: [tool] });
    await executor.execute(stops, stepRecorder(messages, stops), tool, {}, 'c1').catch(() => 0);
    expect(stops.rejected).toBe(true);
    const goesOn = turnSetup({ tools: [tool], continueOnReject: true });
    await executor.execute(goesOn, stepRecorder(messages, goesOn), tool, {}, 'c2').catch(() => 0);
    expect(goesOn.rejected).toBe(false);
  });

  it('records a call cut off by an abort as interrupted', async () => {
    const abort = new AbortController();
    const tool = fakeTool('bash');
    tool.execute = () => {
      abort.abort();
      return Promise.reject(new Error('killed'));
    };
    const setup = turnSetup({ tools: [tool], signal: abort.signal });
    const recorder = stepRecorder(messages, setup);
    await expect(executor.execute(setup, recorder, tool, {}, 'call_1')).rejects.toThrow('killed');
    expect(toolParts(recorder)[0].state).toMatchObject({
      status: 'error',
      error: 'Tool execution aborted',
      metadata: { interrupted: true },
    });
  });

  it('asks doom_loop at the third identical call in a row within the message', async () => {
    const tool = fakeTool('read');
    const setup = turnSetup({ tools: [tool] });
    const recorder = stepRecorder(messages, setup);
    await executor.execute(setup, recorder, tool, { value: 'a' }, 'call_1');
    await executor.execute(setup, recorder, tool, { value: 'a' }, 'call_2');
    expect(asked).toHaveLength(0);
    await executor.execute(setup, recorder, tool, { value: 'a' }, 'call_3');
    expect(asked.map(({ request }) => request)).toEqual([
      {
        permission: 'doom_loop',
        patterns: ['read'],
        always: ['read'],
        metadata: { tool: 'read', input: { value: 'a' } },
      },
    ]);
    // Another input breaks the run; a fresh message (the next step) starts counting again.
    await executor.execute(setup, recorder, tool, { value: 'b' }, 'call_4');
    const next = stepRecorder(messages, setup);
    await executor.execute(setup, next, tool, { value: 'b' }, 'call_5');
    expect(asked).toHaveLength(1);
  });

  it('a rejected doom_loop ask fails the call without running the tool', async () => {
    const tool = fakeTool('read');
    const setup = turnSetup({ tools: [tool] });
    const recorder = stepRecorder(messages, setup);
    answer = (request) =>
      request.permission === 'doom_loop'
        ? Promise.reject(new UserRejectedError('no'))
        : Promise.resolve();
    for (const callID of ['c1', 'c2', 'c3']) {
      await executor.execute(setup, recorder, tool, {}, callID).catch(() => undefined);
    }
    expect(tool.calls).toHaveLength(2);
    expect(setup.rejected).toBe(true);
  });

  it('offers the tools of the turn to the model, each call executed and recorded', async () => {
    const read = fakeTool('read', { output: 'hello' });
    const setup = turnSetup({ tools: [read, fakeTool('bash')] });
    const recorder = stepRecorder(messages, setup);
    const tools = executor.toolsFor(setup, recorder);
    expect(Object.keys(tools)).toEqual(['read', 'bash']);
    expect(tools.read).toMatchObject({ description: 'The read tool', parameters: read.parameters });
    await expect(tools.read.execute({ value: 'a.txt' }, 'call_9')).resolves.toBe('hello');
    expect(toolParts(recorder)[0]).toMatchObject({ callID: 'call_9', tool: 'read' });
  });
});

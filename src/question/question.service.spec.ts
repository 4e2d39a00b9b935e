import { EventEmitter2 } from '@nestjs/event-emitter';
import { BusService } from '../core/bus/bus.service';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { UserRejectedError } from '../permission/permission.types';
import type { QuestionInfo } from './question.events';
import { QuestionService } from './question.service';

describe('QuestionService', () => {
  const ids = new IdGenerator();
  const bus = new BusService(new EventEmitter2(), ids);
  const service = new QuestionService(bus, ids);
  const instance = { directory: '/p', projectID: 'p' } as Instance;
  const questions: QuestionInfo[] = [
    { question: 'Which color?', header: 'Color', options: [{ label: 'Red', description: 'warm' }] },
  ];
  const context = (sessionID: string, signal = new AbortController().signal) => ({
    instance,
    sessionID,
    messageID: 'msg_1',
    callID: 'call_1',
    signal,
  });
  const published: string[] = [];
  bus.events$.subscribe((envelope) => published.push(envelope.payload.type));

  it('publishes the questions, lists them until answered, and resolves with the answers', async () => {
    const answered = service.ask(context('ses_a'), questions);
    const [listed] = service.list(instance);
    expect(listed).toEqual({
      id: expect.stringMatching(/^que_/),
      sessionID: 'ses_a',
      questions,
      tool: { messageID: 'msg_1', callID: 'call_1' },
    });
    expect(service.list({ directory: '/elsewhere' } as Instance)).toEqual([]);
    expect(service.reply(listed.id, [['Red']])).toBe(true);
    await expect(answered).resolves.toEqual([['Red']]);
    expect(service.list(instance)).toEqual([]);
    expect(published.slice(-2)).toEqual(['question.asked', 'question.replied']);
    expect(() => service.reply(listed.id, [['Red']])).toThrow(/not found/);
  });

  it('a rejection fails the ask with a UserRejectedError', async () => {
    const asked = service.ask(context('ses_b'), questions);
    const [listed] = service.list(instance);
    service.reject(listed.id);
    await expect(asked).rejects.toBeInstanceOf(UserRejectedError);
    expect(published.at(-1)).toBe('question.rejected');
    expect(() => service.reject(listed.id)).toThrow(/not found/);
  });

  it('an abort withdraws the questions', async () => {
    const abort = new AbortController();
    const asked = service.ask(context('ses_c', abort.signal), questions);
    expect(service.list(instance)).toHaveLength(1);
    abort.abort();
    await expect(asked).rejects.toThrow(/Aborted/);
    expect(service.list(instance)).toEqual([]);
    await expect(service.ask(context('ses_c', abort.signal), questions)).rejects.toThrow(/Aborted/);
  });
});

import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import { turnHistory } from './turn-history';

function prompt(id: string, created: number): MessageWithParts {
  return {
    info: {
      id,
      sessionID: 'ses_1',
      role: 'user',
      time: { created },
      agent: 'build',
      model: { providerID: 'fake', modelID: 'fake-model' },
    },
    parts: [],
  };
}

function answerTo(id: string, parentID: string, created = 0): MessageWithParts {
  return {
    info: {
      id,
      sessionID: 'ses_1',
      role: 'assistant',
      time: { created },
      parentID,
      modelID: 'fake-model',
      providerID: 'fake',
      mode: 'build',
      agent: 'build',
      path: { cwd: '/work/app', root: '/work/app' },
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
    },
    parts: [],
  };
}

const ids = (messages: MessageWithParts[]) => messages.map(({ info }) => info.id);

describe('turnHistory', () => {
  // As stored: the second prompt arrived while the first was answered, before its answers.
  const stored = [
    prompt('msg_1', 10),
    prompt('msg_2', 20),
    answerTo('msg_1a', 'msg_1'),
    answerTo('msg_1b', 'msg_1'),
    answerTo('msg_2a', 'msg_2'),
  ];

  it('puts each prompt before its own answers and stops at the prompt of the turn', () => {
    expect(ids(turnHistory(stored, { id: 'msg_1' }))).toEqual(['msg_1', 'msg_1a', 'msg_1b']);
    expect(ids(turnHistory(stored, { id: 'msg_2' }))).toEqual([
      'msg_1',
      'msg_1a',
      'msg_1b',
      'msg_2',
      'msg_2a',
    ]);
  });

  it('orders prompts by arrival, not by a client-chosen id from a clock running behind', () => {
    const behind = [prompt('msg_9', 10), prompt('msg_0', 20), answerTo('msg_9a', 'msg_9')];
    expect(ids(turnHistory(behind, { id: 'msg_0' }))).toEqual(['msg_9', 'msg_9a', 'msg_0']);
  });

  it('orders prompts of the same millisecond by id', () => {
    const same = [prompt('msg_b', 10), prompt('msg_a', 10)];
    expect(ids(turnHistory(same, { id: 'msg_b' }))).toEqual(['msg_a', 'msg_b']);
  });

  it('keeps every prompt when the prompt of the turn is not among them', () => {
    expect(ids(turnHistory(stored, { id: 'msg_gone' }))).toHaveLength(5);
  });

  describe('user messages with no turn of their own (noReply)', () => {
    // msg_1's turn answered at 15 and 30; msg_n arrived at 20, between its steps; msg_q was
    // queued at 18 and waits for its own turn.
    const busy = [
      prompt('msg_1', 10),
      answerTo('msg_1a', 'msg_1', 15),
      prompt('msg_q', 18),
      prompt('msg_n', 20),
      answerTo('msg_1b', 'msg_1', 30),
    ];
    const queued = (id: string) => id === 'msg_q';

    it('are read by the running turn, where they arrived among its answers', () => {
      expect(ids(turnHistory(busy, { id: 'msg_1' }, queued))).toEqual([
        'msg_1',
        'msg_1a',
        'msg_n',
        'msg_1b',
      ]);
    });

    it('stay where they were read for the turns after', () => {
      const later = [...busy, answerTo('msg_qa', 'msg_q', 40)];
      expect(ids(turnHistory(later, { id: 'msg_q' }))).toEqual([
        'msg_1',
        'msg_1a',
        'msg_n',
        'msg_1b',
        'msg_q',
        'msg_qa',
      ]);
    });

    it('without the queued check, a waiting prompt would be read too early', () => {
      expect(ids(turnHistory(busy, { id: 'msg_1' }))).toContain('msg_q');
    });

    it('go after the answers of the last turn when stored while the session was idle', () => {
      const idle = [prompt('msg_1', 10), answerTo('msg_1a', 'msg_1', 15), prompt('msg_n', 20)];
      const next = [...idle, prompt('msg_2', 30)];
      expect(ids(turnHistory(next, { id: 'msg_2' }))).toEqual([
        'msg_1',
        'msg_1a',
        'msg_n',
        'msg_2',
      ]);
    });

    it('go first when no turn had answered yet', () => {
      const first = [prompt('msg_n', 5), prompt('msg_1', 10)];
      expect(ids(turnHistory(first, { id: 'msg_1' }))).toEqual(['msg_n', 'msg_1']);
    });
  });
});

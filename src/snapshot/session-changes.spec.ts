import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { Part } from '../session/dto/part.dto';
import { recordedChanges, splitAtRevert, turnOf } from './session-changes';
import { parseCatFileBatch } from './snapshot-git';

const S = 'ses_1';

function user(id: string, ...parts: Part[]): MessageWithParts {
  return {
    info: {
      id,
      sessionID: S,
      role: 'user',
      time: { created: 1 },
      agent: 'build',
      model: { providerID: 'p', modelID: 'm' },
    },
    parts,
  };
}

function answer(id: string, parentID: string, ...parts: Part[]): MessageWithParts {
  return {
    info: {
      id,
      sessionID: S,
      role: 'assistant',
      time: { created: 1 },
      parentID,
      modelID: 'm',
      providerID: 'p',
      mode: 'build',
      agent: 'build',
      path: { cwd: '/', root: '/' },
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
    },
    parts,
  };
}

const part = (id: string, messageID: string, fields: Record<string, unknown>) =>
  ({ id, sessionID: S, messageID, ...fields }) as Part;

describe('session changes', () => {
  const messages = [
    user('msg_1', part('prt_1', 'msg_1', { type: 'text', text: 'go' })),
    answer(
      'msg_2',
      'msg_1',
      part('prt_2', 'msg_2', { type: 'step-start', snapshot: 'a' }),
      part('prt_3', 'msg_2', { type: 'text', text: 'x' }),
      part('prt_4', 'msg_2', { type: 'patch', hash: 'a', files: ['/w/f'] }),
      part('prt_5', 'msg_2', { type: 'step-finish', snapshot: 'b' }),
    ),
    user('msg_3', part('prt_6', 'msg_3', { type: 'text', text: 'again' })),
    answer('msg_4', 'msg_3', part('prt_7', 'msg_4', { type: 'step-start', snapshot: 'b' })),
  ];

  it('splits at a message, or inside one at a part, and ignores a point that is gone', () => {
    const atMessage = splitAtRevert(messages, { messageID: 'msg_3' });
    expect(atMessage.kept.map((m) => m.info.id)).toEqual(['msg_1', 'msg_2']);
    expect(atMessage.removedMessages.map((m) => m.info.id)).toEqual(['msg_3', 'msg_4']);
    expect(atMessage.removedParts).toEqual([]);

    const atPart = splitAtRevert(messages, { messageID: 'msg_2', partID: 'prt_4' });
    expect(atPart.kept.at(-1)!.parts.map((p) => p.id)).toEqual(['prt_2', 'prt_3']);
    expect(atPart.removedParts.map((p) => p.id)).toEqual(['prt_4', 'prt_5']);
    expect(atPart.removedMessages.map((m) => m.info.id)).toEqual(['msg_3', 'msg_4']);

    expect(splitAtRevert(messages, { messageID: 'msg_9' }).kept).toBe(messages);
    expect(splitAtRevert(messages, undefined).kept).toBe(messages);
  });

  it('finds the turn of a prompt or of an answer', () => {
    expect(turnOf(messages, 'msg_1').map((m) => m.info.id)).toEqual(['msg_1', 'msg_2']);
    expect(turnOf(messages, 'msg_4').map((m) => m.info.id)).toEqual(['msg_3', 'msg_4']);
    expect(turnOf(messages, 'msg_9')).toEqual([]);
  });

  it('reads the first snapshot, the end of a finished range and the patches', () => {
    expect(recordedChanges(messages.slice(0, 2))).toMatchObject({ from: 'a', to: 'b' });
    // The last step is still running: the range has no end yet.
    const running = recordedChanges(messages);
    expect(running.from).toBe('a');
    expect(running).not.toHaveProperty('to');
    expect(running.patches.map((p) => p.files)).toEqual([['/w/f']]);
  });

  it('parses cat-file --batch output, missing objects included', () => {
    const output = Buffer.from('abc blob 3\nhi\n\nx:y missing\nabd blob 0\n\n');
    expect(parseCatFileBatch(output, 3).map((b) => b?.toString())).toEqual(['hi\n', undefined, '']);
  });
});

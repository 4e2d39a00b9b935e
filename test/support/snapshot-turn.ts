import { IdGenerator } from '../../src/core/id';
import type { Instance } from '../../src/core/instance/instance';
import type { MessageWithParts } from '../../src/session/dto/message-with-parts.dto';
import type { Part } from '../../src/session/dto/part.dto';
import { SnapshotService } from '../../src/snapshot/snapshot.service';
import { SessionFactory } from './session-factory';
import type { TestApp } from './test-app';

/**
 * Stores a prompt and its answer as the agent loop records a turn that changed files: snapshots
 * on step-start and step-finish, a patch part, and `edit` run in between.
 */
export async function recordTurn(
  t: TestApp,
  instance: Instance,
  sessionID: string,
  edit: () => void,
): Promise<MessageWithParts[]> {
  const ids = t.app.get(IdGenerator);
  const snapshots = t.app.get(SnapshotService);
  const factory = new SessionFactory(t.app, instance);
  const user = factory.userMessage(sessionID, 'do it');
  const answer = factory.assistantMessage(sessionID, user.info.id, 'done');
  const before = (await snapshots.track(instance))!;
  edit();
  const patch = await snapshots.patch(instance, before);
  const after = (await snapshots.track(instance))!;
  const base = () => ({ id: ids.ascending('part'), sessionID, messageID: answer.info.id });
  const [, tool, text, finish] = answer.parts;
  const parts: Part[] = [
    { ...base(), type: 'step-start', snapshot: before },
    { ...tool, id: ids.ascending('part') },
    { ...text, id: ids.ascending('part') },
    ...(patch.files.length > 0 ? [{ ...base(), type: 'patch' as const, ...patch }] : []),
    {
      ...(finish as Extract<Part, { type: 'step-finish' }>),
      id: ids.ascending('part'),
      snapshot: after,
    },
  ];
  return factory.save(user, { info: answer.info, parts });
}

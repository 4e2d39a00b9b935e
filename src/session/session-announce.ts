import type { BusService } from '../core/bus/bus.service';
import type { Instance } from '../core/instance/instance';
import type { MessageInfo } from './dto/message.dto';
import type { Part } from './dto/part.dto';
import type { Session } from './dto/session.dto';

/**
 * Announces a session that arrived whole with its conversation (a fork, an import), once it is
 * stored: `session.created`, then each message followed by its parts, in order, as if they had
 * been written here one by one, so every view of the bus (the event streams, the `/api` session
 * log) learns of them the same way.
 */
export function announceSessionWithMessages(
  bus: BusService,
  instance: Instance,
  session: Session,
  messages: readonly { info: MessageInfo; parts: readonly Part[] }[],
): void {
  bus.publish(instance, 'session.created', { sessionID: session.id, info: session });
  for (const message of messages) {
    bus.publish(instance, 'message.updated', { sessionID: session.id, info: message.info });
    for (const part of message.parts) {
      bus.publish(instance, 'message.part.updated', {
        sessionID: session.id,
        part,
        time: Date.now(),
      });
    }
  }
}

// Typed push events (progress, token inserted/removed, sync state) from services to whichever
// transport carries them to the renderer. Payloads are validated against the contract before
// they leave, exactly like invoke responses.

import { EventEmitter } from 'node:events';
import { events, type EventName, type EventPayload } from '../../src-shared/ipc/contract';

export class EventBus {
  private readonly emitter = new EventEmitter();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload);
    this.emitter.emit('event', event, checked);
  }

  /** Listen to every event (transports forward them all; the client filters by name). */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}

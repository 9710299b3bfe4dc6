// The workflow core of issue 15: events, the state machine, visibility, timeline, deadlines and
// offline conflict rules — pure functions run by the client (optimistically) and the gateway.
export * from './roles';
export * from './events';
export * from './refusals';
export * from './state';
export * from './machine';
export * as incoming from './incoming';
export * as outgoing from './outgoing';
export * as tracking from './tracking';
export * from './delegation';
export * from './workfile';
export * from './visibility';
export * from './timeline';
export * from './deadlines';
export * from './conflicts';

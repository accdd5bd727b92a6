/**
 * Binds an API object to IPC: one `ipcMain.handle` channel per method, each checking its sender
 * before anything runs, and pushes engine events to the window. Takes an `IpcMainLike` rather
 * than Electron's ipcMain, so it is tested with a fake.
 */
import { toError } from '../engine/errors.ts';
import type { Logger } from '../engine/logger.ts';
import { eventChannel, methodChannel, type IpcReply } from './ipc-channels.ts';
import type { SenderFacts } from './trusted-sender.ts';

/** The part of Electron's ipcMain that binding needs. */
export interface IpcMainLike<E> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The part of Electron's IpcMainInvokeEvent that the sender check reads. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export interface BindOptions<E> {
  isTrusted: (event: E) => boolean;
  logger: Logger;
  /** Hides secrets in error messages sent to the page. */
  redact?: (text: string) => string;
}

type Methods<Api> = { [K in keyof Api]: (...args: never[]) => Promise<unknown> };

/** Reads what trusted-sender.ts needs from an invoke event; a vanished frame has no URL. */
export function senderFacts(event: InvokeEventLike): SenderFacts {
  const frame = event.senderFrame;
  return { webContentsId: event.sender.id, frameUrl: frame?.url, isTopFrame: frame !== null && frame.parent === null };
}

/**
 * Registers `batchlight:<method>` for each of `methods`; returns a function that removes them.
 * Every call from a sender `isTrusted` refuses is answered with an UntrustedSenderError and
 * logged; the handler never sees it. Only the first argument is passed on (every contract method
 * takes at most one).
 */
export function bindIpc<Api extends Methods<Api>, E>(
  ipcMain: IpcMainLike<E>,
  api: Api,
  methods: ReadonlyArray<keyof Api & string>,
  options: BindOptions<E>,
): () => void {
  const redact = options.redact ?? ((text: string) => text);
  for (const method of methods) {
    const channel = methodChannel(method);
    ipcMain.handle(channel, async (event, ...args): Promise<IpcReply> => {
      if (!options.isTrusted(event)) {
        options.logger.warn(`Refused ${channel} from an untrusted sender`);
        return { ok: false, error: { name: 'UntrustedSenderError', message: `${channel} is only available to the Batchlight window` } };
      }
      try {
        const call = api[method] as unknown as (arg?: unknown) => Promise<unknown>;
        return { ok: true, value: await call.call(api, args[0]) };
      } catch (caught) {
        const error = toError(caught);
        const problems = (error as { problems?: unknown }).problems;
        return { ok: false, error: { name: error.name, message: redact(error.message), ...(problems === undefined ? {} : { problems }) } };
      }
    });
  }
  return () => {
    for (const method of methods) ipcMain.removeHandler(methodChannel(method));
  };
}

/** Something events can be subscribed on (the engine's EngineEvents, or the shell's own). */
export interface EventSource<Map> {
  on<K extends keyof Map>(event: K, listener: (payload: Map[K]) => void): () => void;
}

/**
 * Forwards each of `events` to `send` (the window's webContents.send) on its own channel;
 * returns a function that stops forwarding.
 */
export function forwardEvents<Map>(
  source: EventSource<Map>,
  events: ReadonlyArray<keyof Map & string>,
  send: (channel: string, payload: unknown) => void,
): () => void {
  const offs = events.map((event) => source.on(event, (payload) => send(eventChannel(event), payload)));
  return () => offs.forEach((off) => off());
}

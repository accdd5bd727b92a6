/**
 * Who may call the API over IPC: only the top frame of our own window showing our own page. An
 * iframe, a page that navigated elsewhere, or another webContents gets nothing. Pure, so the
 * rule is tested with hostile senders without Electron.
 */
import { isAppUrl } from './window-options.ts';

/** The facts about an IPC sender that the rule looks at. */
export interface SenderFacts {
  /** webContents id of the sender. */
  webContentsId: number;
  /** The sending frame's URL; undefined when the frame is gone (navigated or destroyed). */
  frameUrl: string | undefined;
  /** True when the sending frame is its page's top frame. */
  isTopFrame: boolean;
}

/** True when `sender` is the top frame of one of `trustedIds`, showing an app page. */
export function isTrustedSender(sender: SenderFacts, trustedIds: ReadonlySet<number>): boolean {
  return trustedIds.has(sender.webContentsId) && sender.isTopFrame && sender.frameUrl !== undefined && isAppUrl(sender.frameUrl);
}

/**
 * The tray app's own settings in Settings (start at login, mute OS notifications, the log folder)
 * through `window.batchlightDesktop`. In a browser that object does not exist and the fields are
 * shown disabled with a note.
 */
import { useEffect, useState } from 'react';
import type { DesktopSettings, ExposedDesktopApi } from '../../src-main/electron/desktop-contract.ts';

/** The tray app's desktop API, or undefined in a browser. */
function desktopApi(): ExposedDesktopApi | undefined {
  return (window as unknown as { batchlightDesktop?: ExposedDesktopApi }).batchlightDesktop;
}

/** The "This computer" fields that belong to the tray app. */
export function DesktopSettingsFields() {
  const desktop = desktopApi();
  if (!desktop) {
    return (
      <div className="field">
        <label htmlFor="start-login">Start at login</label>
        <div><input id="start-login" type="checkbox" disabled aria-describedby="start-login-note" />
          <div id="start-login-note" className="hint">Only in the desktop app.</div></div>
      </div>
    );
  }
  return <DesktopFields desktop={desktop} />;
}

function DesktopFields({ desktop }: { desktop: ExposedDesktopApi }) {
  const [settings, setSettings] = useState<DesktopSettings | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    desktop.getDesktopSettings().then(setSettings, (e: unknown) => setMessage(e instanceof Error ? e.message : String(e)));
    return desktop.on('desktop.settings', setSettings);
  }, [desktop]);
  const apply = async (change: () => Promise<DesktopSettings | void>) => {
    try {
      const next = await change();
      if (next) setSettings(next);
      setMessage(null);
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      {message && <p role="status" className="error">{message}</p>}
      <div className="field">
        <label htmlFor="start-login">Start at login</label>
        <div><input id="start-login" type="checkbox" disabled={!settings} checked={settings?.startAtLogin ?? false}
          onChange={(e) => { const enabled = e.target.checked; void apply(() => desktop.setStartAtLogin({ enabled })); }} /></div>
      </div>
      <div className="field">
        <label htmlFor="mute-notifications">Mute notifications</label>
        <div><input id="mute-notifications" type="checkbox" disabled={!settings} checked={settings?.muteNotifications ?? false}
          onChange={(e) => { const muted = e.target.checked; void apply(() => desktop.setMuteNotifications({ muted })); }} />
          <div className="hint">Desktop notifications only; email and webhooks are not affected.</div></div>
      </div>
      <div className="field">
        <span>Log folder</span>
        <div className="toolbar" style={{ marginBottom: 0 }}>
          <code data-testid="log-folder" style={{ overflowWrap: 'anywhere' }}>{settings?.logFolder ?? '…'}</code>
          <button type="button" onClick={() => void apply(() => desktop.openLogFolder())}>Open log folder</button>
        </div>
      </div>
    </>
  );
}

/** The theme override (system / light / dark), kept in localStorage and applied to <html data-theme>. */
export type Theme = 'system' | 'light' | 'dark';

const KEY = 'batchlight.theme';

/** The saved theme. */
export function loadTheme(): Theme {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** Saves and applies a theme. */
export function applyTheme(theme: Theme): void {
  localStorage.setItem(KEY, theme);
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

import { create } from 'zustand';

export type Theme = 'dark' | 'light';

const KEY = 'kestrel.theme';

function initial(): Theme {
  try {
    return localStorage.getItem(KEY) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

function apply(t: Theme): void {
  document.documentElement.dataset.theme = t;
}

interface SettingsState {
  theme: Theme;
  setTheme(t: Theme): void;
}

/** UI preferences that live with the window (the paper account's settings live in the host). */
export const useSettings = create<SettingsState>((set) => {
  const theme = initial();
  apply(theme);
  return {
    theme,
    setTheme(theme) {
      apply(theme);
      try {
        localStorage.setItem(KEY, theme);
      } catch {
        // Private mode: the theme still applies for this window.
      }
      set({ theme });
    },
  };
});

/** The chart's colours, read from the theme's CSS variables so charts follow the theme switch. */
export function chartTheme(): { background: string; text: string; grid: string; up: string; down: string } {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return { background: v('--bg-2', '#131a23'), text: v('--muted', '#8693a7'), grid: v('--grid', '#1c2533'), up: v('--buy', '#26a69a'), down: v('--sell', '#ef5350') };
}

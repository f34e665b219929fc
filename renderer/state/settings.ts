import { create } from 'zustand';
import { setTimeZone } from '../app/format.ts';

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

const ZONE = 'kestrel.timezone';

function initialZone(): string {
  try {
    const z = localStorage.getItem(ZONE);
    if (z && setTimeZone(z)) return z;
  } catch {
    // Blocked storage: UTC.
  }
  return 'UTC';
}

interface SettingsState {
  theme: Theme;
  setTheme(t: Theme): void;
  /** The zone every shown date uses (chart axis and crosshair, blotter, audit, data, risk). */
  timeZone: string;
  /** Returns false (and changes nothing) for a zone this browser does not know. */
  setTimeZone(z: string): boolean;
}

/** UI preferences that live with the window (the paper account's settings live in the host). */
export const useSettings = create<SettingsState>((set) => {
  const theme = initial();
  apply(theme);
  return {
    theme,
    timeZone: initialZone(),
    setTimeZone(z) {
      if (!setTimeZone(z)) return false;
      try {
        localStorage.setItem(ZONE, z);
      } catch {
        // Private mode: the zone still applies for this window.
      }
      set({ timeZone: z });
      return true;
    },
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

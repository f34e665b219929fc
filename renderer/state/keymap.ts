import { create } from 'zustand';

/** A hotkey-driven action: what the cheat sheet and the settings list show. Handlers live in app/hotkeys.ts. */
export interface HotkeyAction {
  id: string;
  label: string;
  group: 'Trading' | 'Chart' | 'Workspaces' | 'Help';
  default: string;
}

export const HOTKEY_ACTIONS: readonly HotkeyAction[] = [
  { id: 'ticket.buy', label: 'Open the ticket to buy', group: 'Trading', default: 'B' },
  { id: 'ticket.sell', label: 'Open the ticket to sell', group: 'Trading', default: 'S' },
  { id: 'oneclick.buy', label: 'One-click buy at market (when one-click is on)', group: 'Trading', default: 'Shift+B' },
  { id: 'oneclick.sell', label: 'One-click sell at market (when one-click is on)', group: 'Trading', default: 'Shift+S' },
  { id: 'chart.tf.prev', label: 'Shorter timeframe (first chart)', group: 'Chart', default: '[' },
  { id: 'chart.tf.next', label: 'Longer timeframe (first chart)', group: 'Chart', default: ']' },
  { id: 'workspace.trade', label: 'Trade workspace', group: 'Workspaces', default: 'Alt+1' },
  { id: 'workspace.studio', label: 'Strategy studio', group: 'Workspaces', default: 'Alt+2' },
  { id: 'workspace.audit', label: 'Audit', group: 'Workspaces', default: 'Alt+3' },
  { id: 'workspace.risk', label: 'Risk', group: 'Workspaces', default: 'Alt+4' },
  { id: 'workspace.data', label: 'Data', group: 'Workspaces', default: 'Alt+5' },
  { id: 'workspace.settings', label: 'Settings', group: 'Workspaces', default: 'Alt+6' },
  { id: 'help.keys', label: 'Show this cheat sheet', group: 'Help', default: '?' },
];

/** Keys the forms need for themselves (Enter previews, Esc backs out, Tab moves): never bindable. */
const RESERVED = new Set(['Enter', 'Escape', 'Tab', 'Backspace', 'Delete', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Space', 'Shift+Tab']);

interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

/**
 * A key press as a chord like "Shift+B", "Alt+1" or "?". Letters and digits go by their physical key (Alt+1 is
 * Alt+1 on every layout); other printable keys by the character typed, whose Shift is already in it ("?", not "Shift+/").
 */
export function chordOf(e: KeyLike): string | null {
  if (['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'Dead', 'Unidentified'].includes(e.key)) return null;
  let k: string;
  let shift = e.shiftKey;
  if (/^Key[A-Z]$/.test(e.code)) k = e.code.slice(3);
  else if (/^Digit\d$/.test(e.code)) k = e.code.slice(5);
  else if (e.key === ' ') k = 'Space';
  else if (e.key.length === 1) {
    k = e.key.toUpperCase();
    shift = false;
  } else k = e.key;
  return [e.ctrlKey && 'Ctrl', e.altKey && 'Alt', shift && 'Shift', e.metaKey && 'Meta', k].filter(Boolean).join('+');
}

/** A chord without Ctrl/Alt/Meta is a typing key: it must not fire while a text field has the focus. */
export const isPlainChord = (c: string): boolean => !/(^|\+)(Ctrl|Alt|Meta)\+/.test(c);

const KEY = 'kestrel.hotkeys';

function load(): Record<string, string> {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const known = new Set(HOTKEY_ACTIONS.map((a) => a.id));
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => known.has(e[0]) && typeof e[1] === 'string' && e[1].length <= 40));
  } catch {
    return {};
  }
}

/** The chord bound to each action: the trader's own where set ('' = none), else the default. */
export function bindings(overrides: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(HOTKEY_ACTIONS.map((a) => [a.id, overrides[a.id] ?? a.default]));
}

interface KeymapState {
  overrides: Record<string, string>;
  sheet: boolean;
  setSheet(open: boolean): void;
  /** Binds a chord to an action; returns why not (reserved key, already used by another action). */
  bind(id: string, chord: string): string | null;
  unbind(id: string): void;
  /** Back to the default (all of them without an id); refused when another action now holds that default. */
  reset(id?: string): string | null;
}

export const useKeymap = create<KeymapState>((set, get) => {
  const commit = (overrides: Record<string, string>) => {
    set({ overrides });
    try {
      localStorage.setItem(KEY, JSON.stringify(overrides));
    } catch {
      // Blocked storage: the binding holds for this window.
    }
  };
  return {
    overrides: load(),
    sheet: false,
    setSheet: (sheet) => set({ sheet }),
    bind(id, chord) {
      if (RESERVED.has(chord)) return `${chord} is kept for the forms (preview, back, moving between fields)`;
      const b = bindings(get().overrides);
      const other = HOTKEY_ACTIONS.find((a) => a.id !== id && b[a.id] === chord);
      if (other) return `${chord} already does "${other.label}": change that one first`;
      commit({ ...get().overrides, [id]: chord });
      return null;
    },
    unbind: (id) => commit({ ...get().overrides, [id]: '' }),
    reset(id) {
      if (!id) return (commit({}), null);
      const next = { ...get().overrides };
      delete next[id];
      const b = bindings(next);
      const other = HOTKEY_ACTIONS.find((a) => a.id !== id && b[a.id] === b[id]);
      if (other && b[id]) return `${b[id]} already does "${other.label}": change that one first`;
      commit(next);
      return null;
    },
  };
});

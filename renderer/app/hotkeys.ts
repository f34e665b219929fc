import { useEffect } from 'react';
import { isTyping } from '../features/ticket/hotkeys.ts';
import { useApp, type Workspace } from '../state/app.ts';
import { TIMEFRAMES, useChart } from '../state/chart.ts';
import { bindings, chordOf, isPlainChord, useKeymap } from '../state/keymap.ts';
import { useOneClick } from '../state/oneclick.ts';
import { useTicket } from '../state/ticket.ts';

const toWorkspace = (w: Workspace) => () => useApp.getState().setWorkspace(w);

function stepTimeframe(by: number): void {
  const c = useChart.getState();
  const i = TIMEFRAMES.indexOf(c.timeframe) + by;
  if (i >= 0 && i < TIMEFRAMES.length) void c.select({ timeframe: TIMEFRAMES[i]! });
}

/** What each action of the keymap does (labels and default keys are in state/keymap.ts). */
const HANDLERS: Readonly<Record<string, () => void>> = {
  'ticket.buy': () => (useApp.getState().setWorkspace('trade'), useTicket.getState().open('buy', 'hotkey')),
  'ticket.sell': () => (useApp.getState().setWorkspace('trade'), useTicket.getState().open('sell', 'hotkey')),
  'oneclick.buy': () => void useOneClick.getState().click('buy', useTicket.getState().form.symbol),
  'oneclick.sell': () => void useOneClick.getState().click('sell', useTicket.getState().form.symbol),
  'chart.tf.prev': () => stepTimeframe(-1),
  'chart.tf.next': () => stepTimeframe(1),
  'workspace.trade': toWorkspace('trade'),
  'workspace.studio': toWorkspace('studio'),
  'workspace.audit': toWorkspace('audit'),
  'workspace.risk': toWorkspace('risk'),
  'workspace.data': toWorkspace('data'),
  'workspace.settings': toWorkspace('settings'),
  'help.keys': () => useKeymap.getState().setSheet(!useKeymap.getState().sheet),
};

/**
 * The one keyboard listener for the app's hotkeys, bound as the trader chose (Settings → Hotkeys). Typing keys
 * stay with text fields, and nothing fires behind an open dialog (a confirmation keeps the keyboard).
 */
export function useHotkeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat) return;
      const chord = chordOf(e);
      if (!chord) return;
      if (isPlainChord(chord) && isTyping(e.target)) return;
      if (document.querySelector('[role="dialog"][aria-modal="true"]') || document.querySelector('[data-capturing-key]')) return;
      const b = bindings(useKeymap.getState().overrides);
      const id = Object.keys(b).find((k) => b[k] === chord);
      const run = id ? HANDLERS[id] : undefined;
      if (!run) return;
      e.preventDefault();
      run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

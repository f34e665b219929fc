import { useEffect } from 'react';
import { useApp } from '../../state/app.ts';
import { useTicket } from '../../state/ticket.ts';

/** True when a key press belongs to a text field, so single-letter hotkeys stay out of the way of typing. */
export function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

/** B / S open the ticket on the buy / sell side from anywhere in the app. */
export function useTicketHotkeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target) || document.querySelector('[role="dialog"]')) return;
      const k = e.key.toLowerCase();
      if (k !== 'b' && k !== 's') return;
      e.preventDefault();
      useApp.getState().setWorkspace('trade');
      useTicket.getState().open(k === 'b' ? 'buy' : 'sell', 'hotkey');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

import { beforeEach, describe, expect, it } from 'vitest';
import { bindings, chordOf, isPlainChord, useKeymap } from '../../../renderer/state/keymap.ts';

const ev = (key: string, code: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; shiftKey: boolean; metaKey: boolean }> = {}) => ({ key, code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods });

describe('chords from key presses', () => {
  it('names letters and digits by the physical key, with their modifiers', () => {
    expect(chordOf(ev('b', 'KeyB'))).toBe('B');
    expect(chordOf(ev('B', 'KeyB', { shiftKey: true }))).toBe('Shift+B');
    // Alt+1 types "¡" on a Mac layout: still Alt+1.
    expect(chordOf(ev('¡', 'Digit1', { altKey: true }))).toBe('Alt+1');
    expect(chordOf(ev('k', 'KeyK', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+K');
  });
  it('names other printable keys by the character, whose Shift is already in it', () => {
    expect(chordOf(ev('?', 'Slash', { shiftKey: true }))).toBe('?');
    expect(chordOf(ev('[', 'BracketLeft'))).toBe('[');
    expect(chordOf(ev('F2', 'F2'))).toBe('F2');
  });
  it('ignores a modifier pressed alone', () => {
    expect(chordOf(ev('Shift', 'ShiftLeft', { shiftKey: true }))).toBeNull();
  });
  it('tells typing keys from modified chords', () => {
    expect(isPlainChord('Shift+B')).toBe(true);
    expect(isPlainChord('?')).toBe(true);
    expect(isPlainChord('Alt+1')).toBe(false);
    expect(isPlainChord('Ctrl+Shift+K')).toBe(false);
  });
});

describe('rebinding', () => {
  beforeEach(() => useKeymap.getState().reset());
  it('refuses a key another action holds, and keys the forms need', () => {
    expect(useKeymap.getState().bind('ticket.sell', 'B')).toMatch(/already does "Open the ticket to buy"/);
    expect(useKeymap.getState().bind('ticket.sell', 'Enter')).toMatch(/kept for the forms/);
    expect(bindings(useKeymap.getState().overrides)['ticket.sell']).toBe('S');
  });
  it('binds, clears and restores', () => {
    expect(useKeymap.getState().bind('ticket.buy', 'K')).toBeNull();
    expect(bindings(useKeymap.getState().overrides)['ticket.buy']).toBe('K');
    // B is free now: another action may take it, and then buy's default cannot come back.
    expect(useKeymap.getState().bind('ticket.sell', 'B')).toBeNull();
    expect(useKeymap.getState().reset('ticket.buy')).toMatch(/already does "Open the ticket to sell"/);
    useKeymap.getState().unbind('ticket.sell');
    expect(bindings(useKeymap.getState().overrides)['ticket.sell']).toBe('');
    expect(useKeymap.getState().reset('ticket.buy')).toBeNull();
    expect(bindings(useKeymap.getState().overrides)['ticket.buy']).toBe('B');
  });
});

/**
 * The book bench page: the app's own ladder (BookLadder + markets.css) fed a burst of book snapshots at a fixed
 * rate, either through the app's hook (`useBookLadder`: newest snapshot per animation frame) or the peer, a
 * straightforward component that re-renders synchronously on every update. Frames are counted with
 * requestAnimationFrame while the stream runs.
 */
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { BookLadder } from '../../../renderer/features/book/BookLadder.tsx';
import { buildLadder, type Level } from '../../../renderer/features/book/ladder.ts';
import { useBookLadder, type BookSnapshot } from '../../../renderer/features/book/use-book.ts';
import '../../../renderer/app/theme.css';
import '../../../renderer/features/markets/markets.css';

const TICK = 0.01;
const DEPTH = 10;
const LEVELS = 50;
const noFlash = { bid: null, ask: null, n: 0 };

/** Seeded snapshots of a 50-level book walking around 30,000 (made before timing, so only rendering is measured). */
function snapshots(n: number): BookSnapshot[] {
  let s = 0x9e3779b9;
  const rnd = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0), (s >>> 0) / 2 ** 32);
  let mid = 3_000_000;
  const out: BookSnapshot[] = [];
  for (let k = 0; k < n; k++) {
    mid += Math.round((rnd() - 0.5) * 6);
    const bids: Level[] = [];
    const asks: Level[] = [];
    for (let i = 0; i < LEVELS; i++) {
      bids.push([(mid - 1 - i - Math.floor(i / 7)) * TICK, Math.round(rnd() * 5000) / 1000 + 0.001]);
      asks.push([(mid + 1 + i + Math.floor(i / 7)) * TICK, Math.round(rnd() * 5000) / 1000 + 0.001]);
    }
    out.push({ bids, asks });
  }
  return out;
}

type Sink = (b: BookSnapshot) => void;

function Batched({ onSink }: { onSink(s: Sink): void }) {
  const { ladder, flash, push } = useBookLadder(TICK, 1, DEPTH);
  onSink(push);
  return <BookLadder ladder={ladder} step={TICK} sizeDp={3} depth={DEPTH} flash={flash} />;
}

function PerUpdate({ onSink }: { onSink(s: Sink): void }) {
  const [book, setBook] = useState<BookSnapshot | null>(null);
  onSink((b) => flushSync(() => setBook(b)));
  const ladder = book ? buildLadder(book.bids, book.asks, TICK, 1, DEPTH) : null;
  return <BookLadder ladder={ladder} step={TICK} sizeDp={3} depth={DEPTH} flash={noFlash} />;
}

let root: Root | null = null;
let data: BookSnapshot[] = [];

interface Result { fps: number; updates: number; updatesPerSec: number; longestFrameMs: number; shownBestBid: string; wantBestBid: string }

async function run(mode: 'batched' | 'per-update', rate: number, ms: number): Promise<Result> {
  root?.unmount();
  const host = document.getElementById('root')!;
  root = createRoot(host);
  let sink: Sink = () => {};
  const onSink = (s: Sink) => (sink = s);
  flushSync(() => root!.render(mode === 'batched' ? <Batched onSink={onSink} /> : <PerUpdate onSink={onSink} />));
  if (data.length < (rate * ms) / 1000 + 10) data = snapshots(Math.ceil((rate * ms) / 1000) + 10);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  let frames = 0;
  let last = performance.now();
  let longest = 0;
  let sent = 0;
  let running = true;
  const t0 = performance.now();
  const frame = () => {
    const t = performance.now();
    longest = Math.max(longest, t - last);
    last = t;
    frames++;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  // Every update that is due is delivered, one call each; a slow consumer falls behind and catches up in bursts.
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      if (now - t0 >= ms) return done();
      const due = Math.min(data.length, Math.floor(((now - t0) * rate) / 1000));
      while (sent < due) sink(data[sent++]!);
      setTimeout(tick, 1);
    };
    tick();
  });
  const elapsed = performance.now() - t0;
  running = false;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const best = host.querySelector('[data-testid="book-best-bid"] .lad-price')?.textContent ?? '';
  const want = data[sent - 1]!.bids[0]![0].toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return { fps: (frames * 1000) / elapsed, updates: sent, updatesPerSec: (sent * 1000) / elapsed, longestFrameMs: longest, shownBestBid: best, wantBestBid: want };
}

(window as unknown as { run: typeof run; ready: boolean }).run = run;
(window as unknown as { ready: boolean }).ready = true;

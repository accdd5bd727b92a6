/**
 * A run's stdout or stderr, virtualized by 64 KB chunks read with api.readOutput as they scroll
 * into view (a 200 MB log is never loaded whole; at most CACHE chunks are kept). Live tail from
 * `run.output` events while the run is running; ANSI colours; search with "Find next".
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { parseAnsi, segmentClass } from '../ansi.ts';
import { useClient, useEvent } from '../client-context.tsx';

const CHUNK = 64 * 1024;
const CACHE = 64;

/** The log of one stream of one run. */
export function LogView({ runId, stream, running }: { runId: string; stream: 'stdout' | 'stderr'; running: boolean }) {
  const { api } = useClient();
  const [total, setTotal] = useState<number | null>(null);
  const [version, setVersion] = useState(0);
  const [query, setQuery] = useState('');
  const [follow, setFollow] = useState(true);
  const [note, setNote] = useState('');
  const cache = useRef(new Map<number, string>());
  const pending = useRef(new Set<number>());
  /** Chunks that grew since they were read: shown as they are until the new read arrives (no flicker). */
  const stale = useRef(new Set<number>());
  const scroller = useRef<HTMLDivElement>(null);

  const fetchChunk = useCallback(async (index: number): Promise<string> => {
    stale.current.delete(index);
    const chunk = await api.readOutput({ id: runId, stream, offset: index * CHUNK, length: CHUNK });
    cache.current.delete(index);
    cache.current.set(index, chunk.text);
    while (cache.current.size > CACHE) cache.current.delete(cache.current.keys().next().value as number);
    setTotal((t) => Math.max(t ?? 0, chunk.totalBytes));
    return chunk.text;
  }, [api, runId, stream]);

  useEffect(() => {
    void fetchChunk(0).then(() => setVersion((v) => v + 1), (e: unknown) => setNote(String(e)));
  }, [fetchChunk, running]);

  useEvent(['run.output'], (event) => {
    if (event.id !== runId || event.stream !== stream) return;
    const end = event.offset + new TextEncoder().encode(event.text).length;
    setTotal((t) => Math.max(t ?? 0, end));
    for (let i = Math.floor(event.offset / CHUNK); i <= Math.floor(end / CHUNK); i++) stale.current.add(i);
    setVersion((v) => v + 1);
  });

  const count = Math.max(1, Math.ceil((total ?? 0) / CHUNK));
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => 3000, overscan: 1 });
  const items = virtualizer.getVirtualItems();

  useEffect(() => {
    for (const item of items) {
      if ((cache.current.has(item.index) && !stale.current.has(item.index)) || pending.current.has(item.index)) continue;
      pending.current.add(item.index);
      void fetchChunk(item.index).finally(() => {
        pending.current.delete(item.index);
        setVersion((v) => v + 1);
      });
    }
  });

  useEffect(() => {
    if (follow && running && scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
  }, [version, follow, running]);

  const findNext = async () => {
    if (!query) return;
    const start = (items[0]?.index ?? 0) + 1;
    const needle = query.toLowerCase();
    for (let i = start; i < count + start; i++) {
      const index = i % count;
      const text = cache.current.get(index) ?? (await fetchChunk(index));
      if (text.toLowerCase().includes(needle)) {
        setFollow(false);
        virtualizer.scrollToIndex(index, { align: 'start' });
        setNote(`Found in bytes ${index * CHUNK}–${index * CHUNK + text.length}`);
        return;
      }
    }
    setNote(`"${query}" not found`);
  };

  return (
    <div>
      <div className="toolbar">
        <label>Search{' '}<input type="search" value={query} onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void findNext()} aria-label={`Search ${stream}`} /></label>
        <button type="button" onClick={() => void findNext()} disabled={!query}>Find next</button>
        {running && <label><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow live output</label>}
        <span className="muted" aria-live="polite">{total === null ? 'Loading…' : `${total.toLocaleString()} bytes`} {note}</span>
      </div>
      <div className="log" ref={scroller} role="log" aria-label={`${stream} of the run`} tabIndex={0} data-testid={`log-${stream}`}
        onWheel={() => setFollow(false)}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const text = cache.current.get(item.index);
            return (
              <div key={item.index} data-index={item.index} ref={virtualizer.measureElement}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}>
                {text === undefined ? <pre className="muted">Loading…</pre> : <pre>{renderText(text, query)}</pre>}
              </div>
            );
          })}
        </div>
        {total === 0 && <p className="muted" style={{ padding: 8 }}>No {stream} output.</p>}
      </div>
    </div>
  );
}

function renderText(text: string, query: string) {
  return parseAnsi(text).map((segment, i) => (
    <span key={i} className={segmentClass(segment) || undefined}>{highlight(segment.text, query)}</span>
  ));
}

function highlight(text: string, query: string) {
  if (!query) return text;
  const parts: (string | React.ReactElement)[] = [];
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  let at = 0;
  for (let hit = lower.indexOf(needle); hit >= 0; hit = lower.indexOf(needle, at)) {
    parts.push(text.slice(at, hit), <mark key={hit}>{text.slice(hit, hit + needle.length)}</mark>);
    at = hit + needle.length;
  }
  parts.push(text.slice(at));
  return parts;
}

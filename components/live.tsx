"use client";

import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import type { DashboardChange } from "@/lib/dashboard/live";

/** The queries of pages that show many interventions: any change may move their rows or counts. */
const LIST_QUERIES = ["interventions", "overview", "attention"] as const;
/** After a refused stream (a 401, a server restarting), how long before asking again; polling covers the gap. */
const REOPEN_MS = 10_000;
/**
 * During a burst of changes, refetches of a page start at most this often: a change still shows
 * within this plus one read, and a burst costs a page two reads a second, not one per change.
 */
const BURST_SPACING_MS = 500;

const LiveContext = createContext(false);

/** True while the change stream is open: pages then poll only as a safety net. */
export function useLive(): boolean {
  return useContext(LiveContext);
}

/**
 * How often a page polls: `whenLive` while changes arrive by themselves, `fallback` (its own
 * rhythm, which tightens while something is underway) while the stream is down.
 */
export const LIVE_SAFETY_NET_MS = 60_000;

/**
 * Follows GET /api/dashboard/events and refetches the queries a change concerns: the page of that
 * intervention and every list. Changes that arrive while a refetch runs are gathered into the
 * next one, which starts only after it (and BURST_SPACING_MS after the one before), so each
 * change is followed by a read begun after its commit, and a burst of changes (a worker
 * publishing 20 a second) costs one read at a time.
 */
export function LiveUpdates({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [live, setLive] = useState(false);

  useEffect(() => {
    let source: EventSource | null = null;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const references = new Set<string>();
    let everything = false;
    let dirty = false;
    let refreshing = false;
    let previous = 0;

    async function refresh() {
      if (refreshing) return;
      refreshing = true;
      try {
        while (dirty && !stopped) {
          const wait = previous + BURST_SPACING_MS - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          previous = Date.now();
          dirty = false;
          const pages = everything ? [["intervention"]] : [...references].map((reference) => ["intervention", reference]);
          references.clear();
          everything = false;
          await Promise.all([...LIST_QUERIES.map((key) => [key]), ...pages].map((queryKey) => client.invalidateQueries({ queryKey })));
        }
      } finally {
        refreshing = false;
      }
    }

    function open() {
      if (stopped || source || document.visibilityState === "hidden") return;
      const opened = new EventSource("/api/dashboard/events");
      source = opened;
      opened.addEventListener("ready", () => {
        setLive(true);
        // What changed while the stream was down is read once now.
        everything = true;
        dirty = true;
        void refresh();
      });
      opened.addEventListener("change", (event) => {
        const change = JSON.parse((event as MessageEvent<string>).data) as DashboardChange;
        if (change.reference === null) everything = true;
        else references.add(change.reference);
        dirty = true;
        void refresh();
      });
      opened.addEventListener("error", () => {
        setLive(false);
        // EventSource reconnects by itself after a network error, but not after a refusal.
        if (opened.readyState !== EventSource.CLOSED) return;
        source = null;
        clearTimeout(reopen);
        reopen = setTimeout(open, REOPEN_MS);
      });
    }

    function close() {
      clearTimeout(reopen);
      source?.close();
      source = null;
      setLive(false);
    }

    // A browser opens at most six connections to a server over HTTP/1.1, shared by its tabs: only a
    // visible tab holds a stream, and a tab shown again reads everything once it reopens.
    const onVisibilityChange = () => (document.visibilityState === "hidden" ? close() : open());
    document.addEventListener("visibilitychange", onVisibilityChange);
    open();
    return () => {
      stopped = true;
      document.removeEventListener("visibilitychange", onVisibilityChange);
      close();
    };
  }, [client]);

  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

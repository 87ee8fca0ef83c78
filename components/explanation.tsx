"use client";

import { Fragment, useSyncExternalStore, type ReactNode } from "react";
import type { Explanation } from "@/lib/publication/explanations";
import { formatLocal } from "./local-time";

const subscribeNever = () => () => {};

/** A publication's explanation, its times written in the reader's own zone (UTC until hydrated). */
export function ExplanationText({ explanation }: { explanation: Pick<Explanation, "template" | "times"> }) {
  const inBrowser = useSyncExternalStore(subscribeNever, () => true, () => false);
  const parts = explanation.template.split(/\{(t\d+)\}/);
  return (
    <>
      {parts.map((part, index) => {
        if (index % 2 === 0) return <Fragment key={index}>{part}</Fragment>;
        const iso = explanation.times[part];
        if (!iso) return <Fragment key={index}>{part}</Fragment>;
        return (
          <time key={index} dateTime={iso} title={iso}>
            {inBrowser ? formatLocal(iso, "minute") : `${iso.slice(0, 16).replace("T", " ")} UTC`}
          </time>
        );
      })}
    </>
  );
}

/** The raw codes and response behind a plain sentence, for whoever needs them. */
export function Details({ children, label = "details" }: { children: ReactNode; label?: string }) {
  return (
    <details className="inline-block text-xs text-slate-600">
      <summary className="cursor-pointer select-none text-sky-800 underline">{label}</summary>
      <div className="mt-1 font-mono break-all whitespace-pre-wrap">{children}</div>
    </details>
  );
}

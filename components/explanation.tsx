"use client";

import { useTranslations } from "next-intl";
import { Fragment, type ReactNode } from "react";
import type { Explanation } from "@/lib/publication/explanations";
import { useFormat } from "./format";

/** A publication's explanation, its times written in the reader's language and zone (Europe/Paris until hydrated). */
export function ExplanationText({ explanation }: { explanation: Pick<Explanation, "template" | "times"> }) {
  const format = useFormat();
  const parts = explanation.template.split(/\{(t\d+)\}/);
  return (
    <>
      {parts.map((part, index) => {
        if (index % 2 === 0) return <Fragment key={index}>{part}</Fragment>;
        const iso = explanation.times[part];
        if (!iso) return <Fragment key={index}>{part}</Fragment>;
        return (
          <time key={index} dateTime={iso} title={iso}>
            {format.time(iso)}
          </time>
        );
      })}
    </>
  );
}

/** The raw codes and response behind a plain sentence, for whoever needs them. */
export function Details({ children, label }: { children: ReactNode; label?: string }) {
  const t = useTranslations("common");
  return (
    <details className="inline-block text-xs text-slate-600">
      <summary className="cursor-pointer select-none text-sky-800 underline">{label ?? t("details")}</summary>
      <div className="mt-1 font-mono break-all whitespace-pre-wrap">{children}</div>
    </details>
  );
}

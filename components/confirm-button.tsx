"use client";

import { useTranslations } from "next-intl";
import { useId, useRef, type ReactNode } from "react";

/**
 * A button that asks before acting, in a native modal dialog (focus is trapped and Escape
 * cancels without any extra code).
 */
export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel,
  onConfirm,
  disabled,
  className = "btn btn-primary",
}: {
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
}) {
  const t = useTranslations("common");
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <button type="button" className={className} disabled={disabled} onClick={() => dialog.current?.showModal()}>
        {children}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} className="m-auto w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
        <form
          method="dialog"
          className="p-6"
          onSubmit={(event) => {
            if ((event.nativeEvent as SubmitEvent).submitter?.getAttribute("value") === "confirm") onConfirm();
          }}
        >
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <div className="mt-2 text-sm text-slate-700">{message}</div>
          <div className="mt-6 flex justify-end gap-2">
            <button value="cancel" className="btn btn-secondary" autoFocus>
              {t("cancel")}
            </button>
            <button value="confirm" className="btn btn-primary">
              {confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
